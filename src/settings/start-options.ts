import { configWith, type SandboxConfig } from '../config.js';
import { ownFolderMissing } from '../scenarios/load-scenarios.js';
import { accountsMismatch, storeMismatch, SETTING_NAMES, SETTINGS, type SettingName } from './settings.js';
import { anyText, type ValueKind } from './value-kinds.js';

/**
 * What `startSandbox` decides itself: it listens on 127.0.0.1 (a test's sandbox is nobody else's)
 * and returns its URL, so neither an address nor a file to write the URL to is an option.
 */
const LISTENING_SETTINGS = ['host', 'addressFile'] as const satisfies readonly SettingName[];

type StartSettingName = Exclude<SettingName, (typeof LISTENING_SETTINGS)[number]>;

const START_SETTING_NAMES = SETTING_NAMES.filter((name): name is StartSettingName => !(LISTENING_SETTINGS as readonly string[]).includes(name));

/** The options of `startSandbox` beyond the settings: how its helpers call the sandbox. */
const HELPER_OPTIONS = {
  authorization: anyText('an Authorization header'),
  session: anyText('an X-Sandbox-Session'),
} as const satisfies Record<string, ValueKind<string>>;

/** Options that had another name once (0.x, never published), and the setting each is now. */
const RENAMED: Readonly<Record<string, StartSettingName>> = { tokenTtlSeconds: 'tokenTtl' };

/**
 * The settings, named as their flags in camelCase (`--token-ttl`: `tokenTtl`), but `host` and
 * `addressFile`: `port` is the port of 127.0.0.1 to listen on (0 or left out: a free one).
 */
export interface StartOptions extends Partial<Pick<SandboxConfig, StartSettingName>> {
  /**
   * The Authorization header the helpers (reset, pin, requests, coverage…) act with, the tenant
   * whose world they change and whose calls they read: give your client the same
   * (`sandbox.authorization`). Left out: `Basic sandbox:sandbox`, or with `auth: 'accounts'` the
   * first account's Basic credential. Checked at start: one the sandbox refuses throws.
   */
  readonly authorization?: string;
  /** An X-Sandbox-Session for the helpers, when your client sends one too. */
  readonly session?: string;
}

export interface StartPlan {
  readonly config: SandboxConfig;
  readonly authorization: string | undefined;
  readonly session: string | undefined;
}

/**
 * Checks what a caller gave `startSandbox` as the command line checks its flags (the same rule
 * for each setting, from the settings table) and makes the config: quiet unless told, on
 * 127.0.0.1, on a free port unless `port` says one. Options come from JavaScript too, so
 * nothing is taken on the type's word: an unknown name, a value of the wrong kind, or a
 * setting out of range throws, naming it.
 */
export function startPlan(options: unknown): StartPlan {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`startSandbox: the options must be an object (got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options})`);
  }
  const given = options as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    const problem = nameProblem(name);
    if (problem) throw new Error(`startSandbox: ${problem}`);
  }
  for (const name of START_SETTING_NAMES) checkValue(name, SETTINGS[name].kind, given[name]);
  for (const [name, kind] of Object.entries(HELPER_OPTIONS)) checkValue(name, kind, given[name]);

  const settings = Object.fromEntries(START_SETTING_NAMES.filter((name) => given[name] !== undefined).map((name) => [name, given[name]])) as Partial<SandboxConfig>;
  const config = configWith({ logLevel: 'silent', ...settings, host: '127.0.0.1', port: settings.port ?? 0 });
  const mismatch = accountsMismatch(config);
  if (mismatch === 'accounts-needed') throw new Error("startSandbox: auth 'accounts' needs accounts, the accounts file");
  if (mismatch === 'accounts-unused') throw new Error("startSandbox: accounts is only read with auth 'accounts'");
  const store = storeMismatch(config);
  if (store === 'redis-and-cluster') throw new Error('startSandbox: redis and redisCluster exclude each other: one Redis, or one cluster');
  if (store === 'wait-without-redis') throw new Error('startSandbox: redisWaitReplicas needs redis or redisCluster: the memory store has no replicas');
  if (ownFolderMissing(config.scenarios, config.onlyOwnScenarios)) {
    throw new Error('startSandbox: onlyOwnScenarios needs scenarios, a folder of your own scenario files: without one, the shipped scenarios are the only ones');
  }
  return { config, authorization: given.authorization as string | undefined, session: given.session as string | undefined };
}

/** Undefined is not given: the default holds, as for a flag left out. */
function checkValue(name: string, kind: ValueKind<unknown>, value: unknown): void {
  if (value !== undefined && !kind.accepts(value)) throw new Error(`startSandbox: ${name} ${kind.rule} (got ${kind.shown(value)})`);
}

/** Every option `startSandbox` takes, in the settings table's order, then the helpers'. */
export const START_OPTION_NAMES: readonly string[] = [...START_SETTING_NAMES, ...Object.keys(HELPER_OPTIONS)];

/** Why `name` is not an option, or undefined when it is one. */
function nameProblem(name: string): string | undefined {
  if (START_OPTION_NAMES.includes(name)) return undefined;
  if ((LISTENING_SETTINGS as readonly string[]).includes(name)) {
    return `${name} is not an option: startSandbox listens on 127.0.0.1 (port says which port, a free one by default), and sandbox.url says where`;
  }
  const renamed = RENAMED[name];
  if (renamed) return `${name} is now ${renamed}, named after its flag`;
  // A typo of case or punctuation (`ratelimit`, `rate_limit`) gets the name it meant.
  const loosely = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  const meant = START_OPTION_NAMES.find((known) => loosely(known) === loosely(name));
  return `unknown option '${name}'${meant ? ` (did you mean ${meant}?)` : ''}; the options are ${START_OPTION_NAMES.join(', ')}`;
}
