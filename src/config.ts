import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_SCENARIOS_DIRECTORY } from './scenarios/load-scenarios.js';
import { DEFAULT_CONTRACT_PATH } from './spec/load-contract.js';
import type { UnknownPromotions } from './world/model.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the sandbox can be told at start. Checked once, then frozen. */
export interface SandboxConfig {
  readonly host: string;
  readonly port: number;
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
}

export const DEFAULT_CONFIG: SandboxConfig = Object.freeze({
  host: '0.0.0.0',
  port: 4010,
  logLevel: 'info',
  validateResponses: false,
  bodyLimit: 1_048_576,
  contract: DEFAULT_CONTRACT_PATH,
  seed: 1,
  scenarios: DEFAULT_SCENARIOS_DIRECTORY,
  watch: false,
  unknownPromotions: 'active',
  journalSize: 100,
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
      .choices(['active', 'not-found'])
      .default(DEFAULT_CONFIG.unknownPromotions),
    new Option('--journal-size <n>', 'calls kept in each tenant\'s request history')
      .env('SANDBOX_JOURNAL_SIZE')
      .argParser(integerIn(1, 10_000, 'a count'))
      .default(DEFAULT_CONFIG.journalSize),
  ];
}

/** Reads the config from what commander parsed. */
export function configFromOptions(command: Command): SandboxConfig {
  const options = command.opts<{
    host: string;
    port: number;
    logLevel: LogLevel;
    validateResponses: boolean;
    bodyLimit: number;
    contract: string;
    seed: number;
    scenarios: string;
    watch: boolean;
    unknownPromotions: UnknownPromotions;
    journalSize: number;
  }>();
  return configWith({
    host: options.host,
    port: options.port,
    logLevel: options.logLevel,
    validateResponses: options.validateResponses,
    bodyLimit: options.bodyLimit,
    contract: options.contract,
    seed: options.seed,
    scenarios: options.scenarios,
    watch: options.watch,
    unknownPromotions: options.unknownPromotions,
    journalSize: options.journalSize,
  });
}
