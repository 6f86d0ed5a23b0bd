import { type Command, Option } from 'commander';
import { configWith, type SandboxConfig } from '../config.js';
import { accountsMismatch, type AnySetting, flagOf, SETTING_NAMES, SETTINGS, type SettingName } from './settings.js';

/**
 * The start-up options, one per setting, each also read from its environment variable (a flag
 * wins over the environment).
 */
export function sandboxOptions(): Option[] {
  return SETTING_NAMES.map((name) => optionOf(name));
}

function optionOf(name: SettingName): Option {
  const setting: AnySetting = SETTINGS[name];
  // commander prints a default only when it has a value: one decided elsewhere is said in the line.
  const describedDefault = setting.default === undefined && setting.defaultShown ? ` (default: ${setting.defaultShown.help})` : '';
  const option = new Option(`${flagOf(name)} ${setting.argument}`, `${setting.help}${describedDefault}`).env(setting.env);
  if (setting.kind.parse) option.argParser(setting.kind.parse);
  if (setting.kind.choices) option.choices(setting.kind.choices as readonly string[]);
  if (setting.default !== undefined) option.default(setting.default, setting.defaultShown?.help);
  return option;
}

/** The `SANDBOX_` names that win over conventional ones (`SANDBOX_PORT` over `PORT`), for `--help`. */
export function overridingEnvironmentNames(): string[] {
  return SETTING_NAMES.flatMap((name) => SETTINGS[name].overridingEnv ?? []);
}

/**
 * Copies each overriding `SANDBOX_` variable onto the conventional one commander reads, so it
 * wins; call before parsing. A refusal then names the conventional variable (`from env 'PORT'`).
 */
export function applyEnvironmentAliases(env: NodeJS.ProcessEnv): void {
  for (const name of SETTING_NAMES) {
    const { env: conventional, overridingEnv } = SETTINGS[name];
    if (overridingEnv !== undefined && env[overridingEnv] !== undefined) env[conventional] = env[overridingEnv];
  }
}

/** Reads the config from what commander parsed (commander's attribute names are the settings' names). */
export function configFromOptions(command: Command): SandboxConfig {
  const options = command.opts<Partial<SandboxConfig>>();
  const config = configWith(Object.fromEntries(SETTING_NAMES.map((name) => [name, options[name]])));
  const mismatch = accountsMismatch(config);
  if (mismatch === 'accounts-needed') command.error(`error: ${flagOf('auth')} accounts needs ${flagOf('accounts')} ${SETTINGS.accounts.argument} (${SETTINGS.accounts.env})`);
  if (mismatch === 'accounts-unused') command.error(`error: ${flagOf('accounts')} is only read with ${flagOf('auth')} accounts`);
  return config;
}
