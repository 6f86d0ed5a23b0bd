import { Command, InvalidArgumentError, Option } from 'commander';
import { AUTH_MODES, type AuthMode } from './auth/auth-modes.js';
import { LOG_LEVELS, type LogLevel } from './log-levels.js';
import { DEFAULT_SCENARIOS_DIRECTORY } from './scenarios/load-scenarios.js';
import { DEFAULT_CONTRACT_PATH } from './spec/load-contract.js';
import { UNKNOWN_PROMOTIONS, type UnknownPromotions } from './world/model.js';

/** Everything the sandbox can be told at start. Checked once, then frozen. */
export interface SandboxConfig {
  readonly host: string;
  readonly port: number;
  /** Once listening, write the URL the sandbox answers on to this file (the image's health check reads it). */
  readonly addressFile: string | undefined;
  readonly logLevel: LogLevel;
  /** Check every answer against the contract at run time and log a mismatch loudly. */
  readonly validateResponses: boolean;
  /** Largest request body accepted, in bytes; larger gets 413. */
  readonly bodyLimit: number;
  /** The OpenAPI 3.1 document that drives the sandbox. */
  readonly contract: string;
  /** Seed for generated example data, so generated answers are the same on every run. */
  readonly seed: number;
  /** The folder of scenario files (and the default world they set up). */
  readonly scenarios: string;
  /** Reload the scenarios when a file changes; a broken edit keeps the last good set. */
  readonly watch: boolean;
  /** How a well-formed promotion id the world does not know answers. */
  readonly unknownPromotions: UnknownPromotions;
  /** How many calls each tenant's request history keeps. */
  readonly journalSize: number;
  /**
   * How many calls all request histories keep together (memory store): past it, the oldest calls
   * of the tenants that called least recently go first, so memory stays flat however many
   * tenants call.
   */
  readonly journalTotal: number;
  /** `open`: any credential is its own tenant; `accounts`: only those of the accounts file; `off`: none needed. */
  readonly auth: AuthMode;
  /** The accounts file, for `--auth accounts`. */
  readonly accounts: string | undefined;
  /** Enables the operator-only calls (list tenants, reset one or all); without it they do not exist. */
  readonly adminToken: string | undefined;
  /** Requests per minute per API key; undefined: the contract's x-rate-limit (1,000). */
  readonly rateLimit: number | undefined;
  /** Redis URL: worlds, pins, journals, tokens and rate counters move there, for replicas. */
  readonly redis: string | undefined;
  /** A tenant unused this long is forgotten (its world goes back to the seed). */
  readonly tenantIdleMinutes: number;
  /** At most this many tenants are kept; the least recently used goes first. */
  readonly maxTenants: number;
  /** Lifetime of the access tokens of POST /v3/oauth/token/generate. */
  readonly tokenTtlSeconds: number;
}


export const DEFAULT_CONFIG: SandboxConfig = Object.freeze({
  host: '0.0.0.0',
  port: 4010,
  addressFile: undefined,
  logLevel: 'info',
  validateResponses: false,
  bodyLimit: 1_048_576,
  contract: DEFAULT_CONTRACT_PATH,
  seed: 1,
  scenarios: DEFAULT_SCENARIOS_DIRECTORY,
  watch: false,
  unknownPromotions: 'active',
  journalSize: 100,
  journalTotal: 20_000,
  auth: 'open',
  accounts: undefined,
  adminToken: undefined,
  rateLimit: undefined,
  redis: undefined,
  tenantIdleMinutes: 60,
  maxTenants: 10_000,
  tokenTtlSeconds: 300,
});

/** A full config from defaults plus what a caller sets (tests, the in-process API). */
export function configWith(overrides: Partial<SandboxConfig> = {}): SandboxConfig {
  return Object.freeze({ ...DEFAULT_CONFIG, ...overrides });
}

const integerIn =
  (min: number, max: number, what: string) =>
  (text: string): number => {
    if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
      throw new InvalidArgumentError(`must be ${what}, an integer from ${min} to ${max}.`);
    }
    return Number(text);
  };

const booleanText = (text: string): boolean => {
  const normalised = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(normalised)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(normalised)) return false;
  throw new InvalidArgumentError('must be true or false.');
};

/**
 * The start-up options, each also read from `SANDBOX_<FLAG>` (and the listen address from the
 * conventional `HOST` and `PORT`). A flag wins over the environment.
 */
export function sandboxOptions(): Option[] {
  return [
    new Option('--host <address>', 'address to listen on').env('HOST').default(DEFAULT_CONFIG.host),
    new Option('--port <port>', 'port to listen on (0 picks a free one)')
      .env('PORT')
      .argParser(integerIn(0, 65_535, 'a TCP port'))
      .default(DEFAULT_CONFIG.port),
    new Option('--address-file <file>', 'once listening, write the URL the sandbox answers on to this file').env('SANDBOX_ADDRESS_FILE'),
    new Option('--log-level <level>', 'log level (JSON lines on stdout)')
      .env('SANDBOX_LOG_LEVEL')
      .choices(LOG_LEVELS)
      .default(DEFAULT_CONFIG.logLevel),
    new Option('--validate-responses [bool]', 'check every answer against the contract; log mismatches loudly')
      .env('SANDBOX_VALIDATE_RESPONSES')
      .argParser(booleanText)
      .default(DEFAULT_CONFIG.validateResponses),
    new Option('--body-limit <bytes>', 'largest request body accepted (bigger gets 413)')
      .env('SANDBOX_BODY_LIMIT')
      .argParser(integerIn(1, 104_857_600, 'a size in bytes'))
      .default(DEFAULT_CONFIG.bodyLimit),
    new Option('--contract <file>', 'the OpenAPI 3.1 document to serve')
      .env('SANDBOX_CONTRACT')
      .default(DEFAULT_CONFIG.contract, 'the bundled openapi/promotions.yaml'),
    new Option('--seed <n>', 'seed for generated example data')
      .env('SANDBOX_SEED')
      .argParser(integerIn(0, 2 ** 31 - 1, 'a seed'))
      .default(DEFAULT_CONFIG.seed),
    new Option('--scenarios <dir>', 'folder of scenario files (*.yaml)')
      .env('SANDBOX_SCENARIOS')
      .default(DEFAULT_CONFIG.scenarios, 'the bundled scenarios/'),
    new Option('--watch [bool]', 'reload scenarios on change; a broken edit keeps the last good set')
      .env('SANDBOX_WATCH')
      .argParser(booleanText)
      .default(DEFAULT_CONFIG.watch),
    new Option('--unknown-promotions <mode>', 'a well-formed promotion id the world does not know: active, or not-found (404)')
      .env('SANDBOX_UNKNOWN_PROMOTIONS')
      .choices(UNKNOWN_PROMOTIONS)
      .default(DEFAULT_CONFIG.unknownPromotions),
    new Option('--journal-size <n>', 'calls kept in each tenant\'s request history')
      .env('SANDBOX_JOURNAL_SIZE')
      .argParser(integerIn(1, 10_000, 'a count'))
      .default(DEFAULT_CONFIG.journalSize),
    new Option('--journal-total <n>', 'calls kept in all request histories together (memory store; least recently active tenants lose theirs first)')
      .env('SANDBOX_JOURNAL_TOTAL')
      .argParser(integerIn(1, 10_000_000, 'a count'))
      .default(DEFAULT_CONFIG.journalTotal),
    new Option('--auth <mode>', 'open: any credential is its own tenant; accounts: only --accounts; off: none needed (local play only)')
      .env('SANDBOX_AUTH')
      .choices(AUTH_MODES)
      .default(DEFAULT_CONFIG.auth),
    new Option('--accounts <file>', 'YAML accounts file for --auth accounts').env('SANDBOX_ACCOUNTS'),
    new Option('--admin-token <token>', 'enables the operator calls (X-Sandbox-Operator-Token)')
      .env('SANDBOX_ADMIN_TOKEN')
      .argParser((text: string) => {
        if (text.length < 16) throw new InvalidArgumentError('must be at least 16 characters (it guards every tenant; for instance: openssl rand -hex 16).');
        return text;
      }),
    new Option('--rate-limit <n>', 'requests per minute per API key (default: the contract\'s 1000)')
      .env('SANDBOX_RATE_LIMIT')
      .argParser(integerIn(1, 10_000_000, 'a request count')),
    new Option('--redis <url>', 'Redis URL, for several replicas behind one URL').env('SANDBOX_REDIS_URL'),
    new Option('--tenant-idle-minutes <n>', 'forget a tenant unused this long')
      .env('SANDBOX_TENANT_IDLE_MINUTES')
      .argParser(integerIn(1, 525_600, 'a number of minutes'))
      .default(DEFAULT_CONFIG.tenantIdleMinutes),
    new Option('--max-tenants <n>', 'keep at most this many tenants (least recently used go first)')
      .env('SANDBOX_MAX_TENANTS')
      .argParser(integerIn(1, 10_000_000, 'a count'))
      .default(DEFAULT_CONFIG.maxTenants),
    new Option('--token-ttl <seconds>', 'lifetime of OAuth access tokens')
      .env('SANDBOX_TOKEN_TTL')
      .argParser(integerIn(1, 86_400, 'a number of seconds'))
      .default(DEFAULT_CONFIG.tokenTtlSeconds),
  ];
}

/** Reads the config from what commander parsed. */
export function configFromOptions(command: Command): SandboxConfig {
  const options = command.opts<{
    host: string;
    port: number;
    addressFile?: string;
    logLevel: LogLevel;
    validateResponses: boolean;
    bodyLimit: number;
    contract: string;
    seed: number;
    scenarios: string;
    watch: boolean;
    unknownPromotions: UnknownPromotions;
    journalSize: number;
    journalTotal: number;
    auth: AuthMode;
    accounts?: string;
    adminToken?: string;
    rateLimit?: number;
    redis?: string;
    tenantIdleMinutes: number;
    maxTenants: number;
    tokenTtl: number;
  }>();
  if (options.auth === 'accounts' && !options.accounts) command.error('error: --auth accounts needs --accounts <file> (SANDBOX_ACCOUNTS)');
  if (options.auth !== 'accounts' && options.accounts) command.error('error: --accounts is only read with --auth accounts');
  return configWith({
    host: options.host,
    port: options.port,
    addressFile: options.addressFile,
    logLevel: options.logLevel,
    validateResponses: options.validateResponses,
    bodyLimit: options.bodyLimit,
    contract: options.contract,
    seed: options.seed,
    scenarios: options.scenarios,
    watch: options.watch,
    unknownPromotions: options.unknownPromotions,
    journalSize: options.journalSize,
    journalTotal: options.journalTotal,
    auth: options.auth,
    accounts: options.accounts,
    adminToken: options.adminToken,
    rateLimit: options.rateLimit,
    redis: options.redis,
    tenantIdleMinutes: options.tenantIdleMinutes,
    maxTenants: options.maxTenants,
    tokenTtlSeconds: options.tokenTtl,
  });
}
