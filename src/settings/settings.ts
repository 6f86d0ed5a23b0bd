import { AUTH_MODES } from '../auth/auth-modes.js';
import { DEFAULT_SCENARIOS_DIRECTORY } from '../scenarios/load-scenarios.js';
import { DEFAULT_CONTRACT_PATH } from '../contract/load-contract.js';
import { LOG_LEVELS } from '../log-levels.js';
import { UNKNOWN_PROMOTIONS } from '../world/model.js';
import { CLOCK_MODES, DEFAULT_CLOCK_MODE } from '../world/tenant-clock.js';
import { anyText, clusterSeeds, fraction, integerIn, nonEmptyText, oneOf, operatorToken, originList, proxyAddresses, publicUrl, redisUrl, trueOrFalse, type ValueKind } from './value-kinds.js';

/** One setting: everything the command line, `startSandbox`, the config and the README say of it. */
export interface Setting<T> {
  /** The flag's argument, after the flag (`--port <port>`); `[…]`: it may be left out (`--watch` alone is true). */
  readonly argument: `<${string}>` | `[${string}]`;
  /** The environment variable commander reads when the flag is not given. */
  readonly env: string;
  /** A `SANDBOX_` name that also works and wins over `env`, where `env` is a conventional name (`PORT`). */
  readonly overridingEnv?: string;
  readonly kind: ValueKind<NonNullable<T>>;
  /** The value when none is given; undefined: the setting is off, or decided elsewhere (`defaultShown`). */
  readonly default: T;
  /** The default in words, where its value says too little (a path inside the package, the contract's figure). */
  readonly defaultShown?: { readonly help: string; readonly readme: string };
  /** The line `--help` prints. */
  readonly help: string;
  /** The README's meaning column, where it says more than `help` (Markdown). */
  readonly readme?: string;
}

type SettingValue = string | number | boolean;
/** Any row of the table, for code that reads every setting alike. */
export type AnySetting = Setting<SettingValue | undefined>;
type SettingRow<T extends SettingValue> = Omit<Setting<T>, 'kind' | 'default'> & { readonly kind: ValueKind<T> };
const setting = <T extends SettingValue>(row: SettingRow<T> & { readonly default: NoInfer<T> }): Setting<T> => row;
const settingWithoutDefault = <T extends SettingValue>(row: SettingRow<T>): Setting<T | undefined> => ({ ...row, default: undefined });

/**
 * Every setting of the sandbox, once. A setting's name is its flag in camelCase (`tokenTtl`:
 * `--token-ttl`): the config field, the `startSandbox` option and the commander attribute.
 * Everything else is derived from this table: `SandboxConfig` and its defaults (config.ts), the
 * commander options and `--help` (command-line.ts), the checks of `startSandbox`'s options
 * (start-options.ts) and the README's settings table (settings-table.ts).
 */
export const SETTINGS = {
  host: setting({
    argument: '<address>',
    env: 'HOST',
    overridingEnv: 'SANDBOX_HOST',
    kind: nonEmptyText('an address'),
    default: '0.0.0.0',
    help: 'address to listen on',
  }),
  port: setting({
    argument: '<port>',
    env: 'PORT',
    overridingEnv: 'SANDBOX_PORT',
    kind: integerIn(0, 65_535, 'a TCP port'),
    default: 4010,
    help: 'port to listen on (0 picks a free one)',
    readme: 'port to listen on; `0` picks a free one',
  }),
  addressFile: settingWithoutDefault({
    argument: '<file>',
    env: 'SANDBOX_ADDRESS_FILE',
    kind: anyText('a file'),
    help: 'once listening, write the URL the sandbox answers on to this file',
    readme: 'once listening, write the URL the sandbox answers on (e.g. `http://127.0.0.1:4010`) to this file; the image sets it for its health check',
  }),
  logLevel: setting({
    argument: '<level>',
    env: 'SANDBOX_LOG_LEVEL',
    kind: oneOf(LOG_LEVELS),
    default: 'info',
    help: 'log level (JSON lines on stdout)',
    readme: '`fatal` … `trace`, or `silent`; JSON lines, credentials never logged; `debug` adds one line per request (the request history has every call at any level)',
  }),
  validateResponses: setting({
    argument: '[bool]',
    env: 'SANDBOX_VALIDATE_RESPONSES',
    kind: trueOrFalse(),
    default: false,
    help: 'check every answer against the contract; log mismatches loudly',
    readme: 'check every answer against the contract and log a mismatch loudly',
  }),
  bodyLimit: setting({
    argument: '<bytes>',
    env: 'SANDBOX_BODY_LIMIT',
    kind: integerIn(1, 104_857_600, 'a size in bytes'),
    default: 1_048_576,
    help: 'largest request body accepted (bigger gets 413)',
    readme: 'largest request body; bigger gets 413',
  }),
  requestTimeout: setting({
    argument: '<ms>',
    env: 'SANDBOX_REQUEST_TIMEOUT',
    kind: integerIn(1_000, 600_000, 'a number of milliseconds'),
    default: 10_000,
    help: 'a request not received whole in this time (a body that never ends) gets 408',
    readme: 'a request whose headers and body are not received whole in this time (a body that never ends) gets `408` in the envelope and its connection closed',
  }),
  contract: setting({
    argument: '<file>',
    env: 'SANDBOX_CONTRACT',
    kind: anyText('a file'),
    default: DEFAULT_CONTRACT_PATH,
    defaultShown: { help: 'the bundled openapi/promotions.yaml', readme: 'bundled `openapi/promotions.yaml`' },
    help: 'the OpenAPI 3.1 document to serve',
  }),
  seed: setting({
    argument: '<n>',
    env: 'SANDBOX_SEED',
    kind: integerIn(0, 2 ** 31 - 1, 'a seed'),
    default: 1,
    help: 'seed for generated example data',
    readme: 'seed for answers generated from schemas (operations without an example)',
  }),
  scenarios: setting({
    argument: '<dir>',
    env: 'SANDBOX_SCENARIOS',
    kind: anyText('a folder'),
    default: DEFAULT_SCENARIOS_DIRECTORY,
    defaultShown: { help: 'the shipped scenarios/ alone', readme: 'shipped `scenarios/` alone' },
    help: 'folder of your own scenario files (*.yaml), added to the shipped ones; a file named after a shipped scenario replaces it',
    readme: 'a folder of your own scenario files, added to the shipped ones; a file named after a shipped scenario (`open-cart.yaml`) replaces it. The files also set up the default world',
  }),
  onlyOwnScenarios: setting({
    argument: '[bool]',
    env: 'SANDBOX_ONLY_OWN_SCENARIOS',
    kind: trueOrFalse(),
    default: false,
    help: 'serve the --scenarios folder alone, without the shipped scenarios',
    readme: 'serve the `--scenarios` folder alone, without the shipped scenarios (needs `--scenarios`)',
  }),
  watch: setting({
    argument: '[bool]',
    env: 'SANDBOX_WATCH',
    kind: trueOrFalse(),
    default: false,
    help: 'reload scenarios on change; a broken edit keeps the last good set',
    readme: 'reload the scenarios when a file changes; a broken edit keeps the last good set and logs why',
  }),
  unknownPromotions: setting({
    argument: '<mode>',
    env: 'SANDBOX_UNKNOWN_PROMOTIONS',
    kind: oneOf(UNKNOWN_PROMOTIONS),
    default: 'active',
    help: 'a well-formed promotion id the world does not know: active, or not-found (404)',
    readme: 'a well-formed promotion id the world does not know: `active` (your own ids work on the happy path) or `not-found` (404)',
  }),
  clock: setting({
    argument: '<mode>',
    env: 'SANDBOX_CLOCK',
    kind: oneOf(CLOCK_MODES),
    default: DEFAULT_CLOCK_MODE,
    help: "each tenant's clock: frozen (starts at its first call, moves only when told) or real (follows the wall clock)",
    readme: "each tenant's clock: `frozen` starts at the tenant's first call and moves only by `POST /__sandbox/clock`, so answers stay deterministic; `real` follows the wall clock, an advance adding to it (see [Time](docs/scenarios.md#time-cart-locks-expiry-jobs-and-promotions-that-end))",
  }),
  errorRate: setting({
    argument: '<fraction>',
    env: 'SANDBOX_ERROR_RATE',
    kind: fraction('a fraction of calls'),
    default: 0,
    help: "answer this fraction of the vendor calls no scenario answers with one of the operation's documented errors, by --error-seed",
    readme:
      "answer this fraction of the vendor calls that no scenario, pin or magic value answers with one of the operation's documented errors a valid request can meet (404, 500, …), the same ones for the same seed run after run; a tenant's own `PUT /__sandbox/error-rate` wins (see [Errors at a rate](docs/scenarios.md#errors-at-a-rate))",
  }),
  errorSeed: setting({
    argument: '<n>',
    env: 'SANDBOX_ERROR_SEED',
    kind: integerIn(0, 2 ** 31 - 1, 'a seed'),
    default: 0,
    help: "the seed that, with each call's position in its tenant's sequence, decides which calls --error-rate answers with which error",
    readme: "with each eligible call's position in its tenant's sequence, decides which calls `--error-rate` answers with an error and which error: the same seed gives the same answers after a restart, on any store and replica",
  }),
  journalSize: setting({
    argument: '<n>',
    env: 'SANDBOX_JOURNAL_SIZE',
    kind: integerIn(1, 10_000, 'a count'),
    default: 100,
    help: "calls kept in each tenant's request history",
  }),
  journalTotal: setting({
    argument: '<n>',
    env: 'SANDBOX_JOURNAL_TOTAL',
    kind: integerIn(1, 10_000_000, 'a count'),
    default: 20_000,
    help: 'calls kept in all request histories together (memory store; past it, the credential holding the most loses its oldest)',
    readme: 'calls kept in all request histories together (memory store): past it, the credential holding the most entries loses the oldest calls of its least recently recording tenant, never another credential because of its sessions, so memory stays flat (see [hosting](docs/hosting.md#fair-shares))',
  }),
  journalMemory: setting({
    argument: '<MiB>',
    env: 'SANDBOX_JOURNAL_MEMORY',
    kind: integerIn(1, 1_048_576, 'a size in MiB'),
    default: 64,
    help: 'memory of all request histories together, in MiB (memory store; past it, the credential holding the most loses its oldest)',
    readme: 'memory of all request histories together, in MiB (memory store): each entry weighs what it holds; past it, as past `--journal-total`, the credential holding the most bytes loses the oldest calls of its least recently recording tenant (see [hosting](docs/hosting.md#tenants))',
  }),
  auth: setting({
    argument: '<mode>',
    env: 'SANDBOX_AUTH',
    kind: oneOf(AUTH_MODES),
    default: 'open',
    help: 'open: any credential is its own tenant; accounts: only --accounts; off: none needed (local play only)',
    readme: '`open`: any credential is its own tenant; `accounts`: only those of `--accounts`; `off`: none needed, one shared tenant (local play only)',
  }),
  accounts: settingWithoutDefault({
    argument: '<file>',
    env: 'SANDBOX_ACCOUNTS',
    kind: anyText('a file'),
    help: 'YAML accounts file for --auth accounts',
    readme: 'the accounts file for `--auth accounts`',
  }),
  adminToken: settingWithoutDefault({
    argument: '<token>',
    env: 'SANDBOX_ADMIN_TOKEN',
    kind: operatorToken(32, 'it guards every tenant; for instance: openssl rand -hex 16'),
    help: 'enables the operator calls (X-Sandbox-Operator-Token)',
    readme: 'enables the operator calls (at least 32 characters, not one repeated: `openssl rand -hex 16`)',
  }),
  metrics: setting({
    argument: '[bool]',
    env: 'SANDBOX_METRICS',
    kind: trueOrFalse(),
    default: false,
    help: 'serve Prometheus metrics at GET /metrics (answers, latency, tenants, readiness, process)',
    readme: 'serve this process\'s Prometheus metrics at `GET /metrics`, without credentials: answers by operation, status, code and scenario, latency per operation, tenants, readiness, Node\'s process metrics (see [docs/hosting.md](docs/hosting.md#metrics))',
  }),
  cors: settingWithoutDefault({
    argument: '<origins>',
    env: 'SANDBOX_CORS',
    kind: originList(),
    help: 'let web pages of these origins call the sandbox from a browser (comma-separated; * for any); off by default, as the vendor\'s API',
    readme: "let web pages of these origins call the sandbox from a browser (CORS): `http://localhost:3000,https://qa.example.com`, or `*` for any; off by default, as the vendor's API",
  }),
  rateLimit: settingWithoutDefault({
    argument: '<n>',
    env: 'SANDBOX_RATE_LIMIT',
    kind: integerIn(1, 10_000_000, 'a request count'),
    // Without it the contract's x-rate-limit applies (app.ts reads it).
    defaultShown: { help: "the contract's 1000", readme: "the contract's `1000`" },
    help: 'requests per minute per API key',
  }),
  adminRateLimit: setting({
    argument: '<n>',
    env: 'SANDBOX_ADMIN_RATE_LIMIT',
    kind: integerIn(1, 10_000_000, 'a request count'),
    default: 10_000,
    help: 'sandbox calls (/__sandbox/*) per minute per credential; past it 429',
    readme: 'calls of `/__sandbox/*` per minute per credential (its sessions share it), apart from the API\'s own budget: past it `429` in the envelope with `Retry-After`; the docs page polls far below it',
  }),
  authFailureLimit: setting({
    argument: '<n>',
    env: 'SANDBOX_AUTH_FAILURE_LIMIT',
    kind: integerIn(1, 10_000_000, 'a request count'),
    default: 30,
    help: 'refused credentials per minute per client address; past it that address gets 429',
    readme:
      "refused credentials (a Basic that is no account's, an unknown or expired token, a wrong operator token, a token call's wrong key or secret) per minute per client address: past it that address alone gets `429` on every call that needs a credential for the rest of its minute, and one `warn` line names the address and the username tried; calls without a credential are not counted (see [hosting](docs/hosting.md#budgets-of-their-own-sandbox-calls-the-token-call-guesses))",
  }),
  trustProxy: settingWithoutDefault({
    argument: '<addresses>',
    env: 'SANDBOX_TRUST_PROXY',
    kind: proxyAddresses(),
    help: "proxies whose X-Forwarded-For names the client's address (addresses, CIDRs, loopback)",
    readme: "the proxies in front of the sandbox whose `X-Forwarded-For` names the client's address (addresses or CIDRs, or `loopback`, `linklocal`, `uniquelocal`): the per-address budgets then count each client, not the proxy",
  }),
  publicUrl: settingWithoutDefault({
    argument: '<url>',
    env: 'SANDBOX_PUBLIC_URL',
    kind: publicUrl(),
    help: 'the URL partners reach the sandbox at (the Postman collection\'s baseUrl); else the request\'s Host',
    readme: 'the URL partners reach a hosted sandbox at: the Postman collection\'s `baseUrl`; without it, the `Host` of the request',
  }),
  redis: settingWithoutDefault({
    argument: '<url>',
    env: 'SANDBOX_REDIS_URL',
    kind: redisUrl(),
    help: 'Redis URL, for several replicas behind one URL',
    readme: 'keep worlds, pins, journals, tokens and rate counters in Redis, for replicas: `redis://host:6379`, or `rediss://` for TLS',
  }),
  redisCluster: settingWithoutDefault({
    argument: '<seeds>',
    env: 'SANDBOX_REDIS_CLUSTER',
    kind: clusterSeeds(),
    help: 'Redis Cluster seed nodes (host:port,host:port or redis:// URLs), instead of --redis',
    readme:
      'keep the same in a Redis Cluster instead of one Redis (not with `--redis`): seed nodes `host:port,host:port`, or `redis://`/`rediss://` URLs; the first password given and TLS apply to every node (see [docs/hosting.md](docs/hosting.md#redis-cluster))',
  }),
  redisCommandTimeout: setting({
    argument: '<ms>',
    env: 'SANDBOX_REDIS_COMMAND_TIMEOUT',
    kind: integerIn(100, 60_000, 'a number of milliseconds'),
    default: 3_000,
    help: 'a Redis command not answered in this time fails the call with 503 (--redis and --redis-cluster)',
    readme: 'a Redis command not answered in this time fails its call with `503` (never the vendor\'s 500) and marks the sandbox not ready until Redis takes a write again (`--redis` and `--redis-cluster`; see [docs/hosting.md](docs/hosting.md#the-sandboxs-faults-are-not-the-vendors-503-readiness---redis-command-timeout))',
  }),
  redisWaitReplicas: setting({
    argument: '<n>',
    env: 'SANDBOX_REDIS_WAIT_REPLICAS',
    kind: integerIn(0, 16, 'a number of replicas'),
    default: 0,
    help: 'answer a change only once this many Redis replicas have it (WAIT); 0: do not wait',
    readme:
      'answer a change (deactivation, reset, pin, clock move) only once this many replicas of its Redis master acknowledged it (Redis `WAIT`), else 503; `0` does not wait. A failover to such a replica keeps every change answered 200, at a cost in throughput (see [docs/hosting.md](docs/hosting.md#redis-cluster))',
  }),
  redisWaitTimeout: setting({
    argument: '<ms>',
    env: 'SANDBOX_REDIS_WAIT_TIMEOUT',
    kind: integerIn(1, 60_000, 'a number of milliseconds'),
    default: 500,
    help: 'how long a change waits for --redis-wait-replicas before it is answered 503',
  }),
  tenantIdleMinutes: setting({
    argument: '<n>',
    env: 'SANDBOX_TENANT_IDLE_MINUTES',
    kind: integerIn(1, 525_600, 'a number of minutes'),
    default: 60,
    help: 'forget a tenant unused this long',
    readme: 'a tenant unused this long is forgotten',
  }),
  maxSessions: setting({
    argument: '<n>',
    env: 'SANDBOX_MAX_SESSIONS',
    kind: integerIn(1, 1_000_000, 'a count'),
    default: 1_000,
    help: "tenants one credential keeps at once (its X-Sandbox-Session values); past it, that credential's least recently used goes",
    readme: "tenants one credential keeps at once (its own and one per `X-Sandbox-Session` value): past it, that credential's least recently used tenant is forgotten, never another credential's (see [hosting](docs/hosting.md#fair-shares))",
  }),
  maxTenants: setting({
    argument: '<n>',
    env: 'SANDBOX_MAX_TENANTS',
    kind: integerIn(1, 10_000_000, 'a count'),
    default: 10_000,
    help: 'keep at most this many tenants (the credential holding most gives up its least recently used)',
    readme: 'at most this many tenants in all: past it, the credential that holds the most (the new tenant counted) gives up its least recently used one, so one credential\'s sessions never push out another\'s tenants (see [hosting](docs/hosting.md#fair-shares))',
  }),
  tokenTtl: setting({
    argument: '<seconds>',
    env: 'SANDBOX_TOKEN_TTL',
    kind: integerIn(1, 86_400, 'a number of seconds'),
    default: 300,
    help: 'lifetime of OAuth access tokens',
  }),
} as const;

export type SettingName = keyof typeof SETTINGS;

/** The settings in the table's order (the order of `--help` and the README). */
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The flag of a setting: its name in kebab case, `tokenTtl` → `--token-ttl`. */
export function flagOf(name: SettingName): string {
  return `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/**
 * The rule between the store's settings: one Redis or one cluster, and waiting for replicas
 * needs one of them.
 */
export function storeMismatch(settings: { readonly redis: string | undefined; readonly redisCluster: string | undefined; readonly redisWaitReplicas: number }): 'redis-and-cluster' | 'wait-without-redis' | undefined {
  if (settings.redis !== undefined && settings.redisCluster !== undefined) return 'redis-and-cluster';
  if (settings.redisWaitReplicas > 0 && settings.redis === undefined && settings.redisCluster === undefined) return 'wait-without-redis';
  return undefined;
}

/**
 * The one rule between settings: an accounts file is read with `auth: 'accounts'` only, and
 * that mode needs one (without it nobody could call). Each way in words the refusal its own way.
 */
export function accountsMismatch(settings: { readonly auth: string; readonly accounts: string | undefined }): 'accounts-needed' | 'accounts-unused' | undefined {
  if (settings.auth === 'accounts' && !settings.accounts) return 'accounts-needed';
  if (settings.auth !== 'accounts' && settings.accounts) return 'accounts-unused';
  return undefined;
}
