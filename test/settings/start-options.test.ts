import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startSandbox } from '../../src/index.js';
import { configFromOptions, sandboxOptions } from '../../src/settings/command-line.js';
import { flagOf, SETTING_NAMES, SETTINGS, type SettingName } from '../../src/settings/settings.js';
import { START_OPTION_NAMES, startPlan } from '../../src/settings/start-options.js';

/** What startSandbox is given, typed loosely: callers in JavaScript, or with a cast, give anything. */
const start = (options: unknown) => startSandbox(options as Parameters<typeof startSandbox>[0]);

describe('startSandbox refuses what the command line refuses, naming the option', () => {
  it('a rate limit of none', async () => {
    await expect(start({ rateLimit: 0 })).rejects.toThrow(new Error('startSandbox: rateLimit must be a request count, an integer from 1 to 10000000 (got 0)'));
  });

  it.each([
    ['tokenTtl', -1, 'must be a number of seconds, an integer from 1 to 86400 (got -1)'],
    ['tokenTtl', 86_401, 'must be a number of seconds, an integer from 1 to 86400 (got 86401)'],
    ['journalSize', 1.5, 'must be a count, an integer from 1 to 10000 (got 1.5)'],
    ['bodyLimit', '4096', "must be a size in bytes, an integer from 1 to 104857600 (got '4096')"],
    ['seed', Number.NaN, 'must be a seed, an integer from 0 to 2147483647 (got NaN)'],
    ['maxTenants', Number.POSITIVE_INFINITY, 'must be a count, an integer from 1 to 10000000 (got Infinity)'],
    ['tenantIdleMinutes', null, 'must be a number of minutes, an integer from 1 to 525600 (got null)'],
  ])('a number out of its range or not a number: %s %s', async (name, value, rule) => {
    await expect(start({ [name]: value })).rejects.toThrow(new Error(`startSandbox: ${name} ${rule}`));
  });

  it.each([
    ['auth', 'maybe', "must be one of open, accounts, off (got 'maybe')"],
    ['logLevel', 'loud', "must be one of fatal, error, warn, info, debug, trace, silent (got 'loud')"],
    ['unknownPromotions', 404, 'must be one of active, not-found (got 404)'],
    ['watch', 'yes', "must be true or false (got 'yes')"],
    ['scenarios', ['a', 'b'], 'must be a folder, a string (got an array)'],
    ['authorization', 42, 'must be an Authorization header, a string (got 42)'],
  ])('a value of another kind: %s %j', async (name, value, rule) => {
    await expect(start({ [name]: value })).rejects.toThrow(new Error(`startSandbox: ${name} ${rule}`));
  });

  it('an admin token too short, without printing it', async () => {
    const refusal = start({ adminToken: 'hunter2' });
    await expect(refusal).rejects.toThrow(
      new Error('startSandbox: adminToken must be at least 32 characters, not one character repeated (it guards every tenant; for instance: openssl rand -hex 16) (got a string of 7 characters)'),
    );
    await expect(refusal).rejects.not.toThrow(/hunter2/);
  });

  it.each([16, 32, 64])('an admin token of %i times one character, however long', async (length) => {
    await expect(start({ adminToken: 'a'.repeat(length) })).rejects.toThrow(
      new Error(`startSandbox: adminToken must be at least 32 characters, not one character repeated (it guards every tenant; for instance: openssl rand -hex 16) (got a string of ${length} characters)`),
    );
  });

  it('a typo of an option, with the name it meant and every option it takes', async () => {
    await expect(start({ ratelimit: 10 })).rejects.toThrow(new Error(`startSandbox: unknown option 'ratelimit' (did you mean rateLimit?); the options are ${START_OPTION_NAMES.join(', ')}`));
    await expect(start({ rate_limit: 10 })).rejects.toThrow(/unknown option 'rate_limit' \(did you mean rateLimit\?\)/);
    await expect(start({ verbose: true })).rejects.toThrow(/^startSandbox: unknown option 'verbose'; the options are port, logLevel, /);
  });

  it('the old name of the token lifetime, with its new one', async () => {
    await expect(start({ tokenTtlSeconds: 60 })).rejects.toThrow(new Error('startSandbox: tokenTtlSeconds is now tokenTtl, named after its flag'));
  });

  it.each(['host', 'addressFile'])('%s, which startSandbox decides (127.0.0.1, its URL in sandbox.url)', async (name) => {
    await expect(start({ [name]: DEFAULT_CONFIG[name as SettingName] ?? 'sandbox.address' })).rejects.toThrow(
      new Error(`startSandbox: ${name} is not an option: startSandbox listens on 127.0.0.1 (port says which port, a free one by default), and sandbox.url says where`),
    );
  });

  it('a port that is no TCP port', async () => {
    await expect(start({ port: 65_536 })).rejects.toThrow(new Error('startSandbox: port must be a TCP port, an integer from 0 to 65535 (got 65536)'));
    await expect(start({ port: '4010' })).rejects.toThrow(new Error("startSandbox: port must be a TCP port, an integer from 0 to 65535 (got '4010')"));
  });

  it('auth accounts without an accounts file, and an accounts file without auth accounts', async () => {
    await expect(start({ auth: 'accounts' })).rejects.toThrow(new Error("startSandbox: auth 'accounts' needs accounts, the accounts file"));
    await expect(start({ accounts: 'accounts.yaml' })).rejects.toThrow(new Error("startSandbox: accounts is only read with auth 'accounts'"));
  });

  it('a Redis URL that is none, without printing its credentials', async () => {
    const rule = 'must be a redis:// or rediss:// URL (redis://host:6379, rediss://user:password@host:6380/0)';
    await expect(start({ redis: 'notaurl' })).rejects.toThrow(new Error(`startSandbox: redis ${rule} (got text that is not a URL)`));
    const refusal = start({ redis: 'http://user:hunter2@127.0.0.1:6397/?password=s3cret' });
    await expect(refusal).rejects.toThrow(new Error(`startSandbox: redis ${rule} (got 'http://127.0.0.1:6397/?password=[redacted]')`));
    await expect(refusal).rejects.not.toThrow(/hunter2|s3cret/);
  });

  it('onlyOwnScenarios without scenarios, in its options\' words', async () => {
    await expect(start({ onlyOwnScenarios: true })).rejects.toThrow(
      new Error('startSandbox: onlyOwnScenarios needs scenarios, a folder of your own scenario files: without one, the shipped scenarios are the only ones'),
    );
  });

  it('options that are not an object', async () => {
    await expect(start(null)).rejects.toThrow(new Error('startSandbox: the options must be an object (got null)'));
    await expect(start('quiet')).rejects.toThrow(new Error('startSandbox: the options must be an object (got string)'));
  });
});

describe("startSandbox's options become the config", () => {
  it('each under its name, undefined being the default, quiet and on a free port of 127.0.0.1 unless told', () => {
    const { config, authorization, session } = startPlan({ tokenTtl: 60, rateLimit: 5, seed: undefined, watch: true, session: 'qa-1' });
    expect(config).toEqual({ ...DEFAULT_CONFIG, logLevel: 'silent', host: '127.0.0.1', port: 0, tokenTtl: 60, rateLimit: 5, watch: true });
    expect([authorization, session]).toEqual([undefined, 'qa-1']);
    expect(startPlan({ logLevel: 'debug' }).config.logLevel).toBe('debug');
  });

  it('listens on the port given, on 127.0.0.1 whatever it is; 0 or none is a free one', () => {
    expect(startPlan({ port: 4567 }).config).toMatchObject({ host: '127.0.0.1', port: 4567 });
    expect(startPlan({ port: 0 }).config.port).toBe(0);
    expect(startPlan({ port: undefined }).config.port).toBe(0);
  });

  it('takes every setting but the address and the address file, and the helpers\' credential and session', () => {
    expect(START_OPTION_NAMES).toEqual([...SETTING_NAMES.filter((name) => !['host', 'addressFile'].includes(name)), 'authorization', 'session']);
  });
});

/** What the rule between auth and accounts needs beside `value`, so that only `value` is judged. */
function partnerOf(name: SettingName, value: unknown): Partial<Record<SettingName, string>> {
  if (name === 'accounts') return { auth: 'accounts' };
  if (name === 'auth' && value === 'accounts') return { accounts: 'accounts.yaml' };
  return {};
}

/** Whether the command line takes `text` for the setting: its options and configFromOptions, as the CLI runs them. */
function commandLineTakes(name: SettingName, text: string): boolean {
  const command = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  for (const option of sandboxOptions()) command.addOption(option);
  const partner = Object.entries(partnerOf(name, text)).flatMap(([other, value]) => [flagOf(other as SettingName), value]);
  try {
    command.parse([flagOf(name), text, ...partner], { from: 'user' });
    configFromOptions(command);
    return true;
  } catch {
    return false;
  }
}

/** Whether startSandbox takes `value` for the setting. */
function takesInCode(name: SettingName, value: unknown): boolean {
  try {
    startPlan({ [name]: value, ...partnerOf(name, value) });
    return true;
  } catch {
    return false;
  }
}

describe('one rule for both ways a setting arrives', () => {
  // The command line reads what no flag sets from the environment: none of it here.
  beforeAll(() => {
    for (const name of SETTING_NAMES) vi.stubEnv(SETTINGS[name].env, undefined);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  const inCode = SETTING_NAMES.filter((name) => START_OPTION_NAMES.includes(name));
  const numeric = inCode.filter((name) => typeof DEFAULT_CONFIG[name] === 'number' || name === 'rateLimit');
  // Every bound of every range in the table, and each side of it.
  const numbers = [-1, 0, 1, 1.5, 100, 10_000, 10_001, 65_535, 65_536, 86_400, 86_401, 525_600, 525_601, 104_857_600, 104_857_601, 2 ** 31 - 1, 2 ** 31, 10_000_000, 10_000_001];

  it.each(numeric)('%s: the command line and startSandbox take the same numbers', (name) => {
    expect(numeric.length).toBeGreaterThan(5);
    for (const value of numbers) expect([value, takesInCode(name, value)]).toEqual([value, commandLineTakes(name, String(value))]);
  });

  // Booleans are left out: the command line reads words for them (yes, off), code gives true or false.
  const worded = inCode.filter((name) => !numeric.includes(name) && typeof DEFAULT_CONFIG[name] !== 'boolean');
  const words = ['open', 'accounts', 'off', 'info', 'silent', 'loud', 'active', 'not-found', '', 'short', 'sixteen-chars-ok'];

  it.each(worded)('%s: the command line and startSandbox take the same words', (name) => {
    expect(worded).toEqual(expect.arrayContaining(['auth', 'logLevel', 'unknownPromotions', 'adminToken', 'contract']));
    for (const word of words) expect([word, takesInCode(name, word)]).toEqual([word, commandLineTakes(name, word)]);
  });
});
