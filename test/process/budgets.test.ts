import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { basicAuthorization, md5Hex } from '../../src/auth/credentials.js';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { describeWith } from '../helpers/components.js';
import { flushRedis, REDIS_URL_SET, suiteRedisUrl } from '../helpers/redis.js';
import { DEACTIVATE_PATH } from '../helpers/sandbox.js';

/** The suite's own database of the Redis of REDIS_URL: it flushes it. */
const REDIS = suiteRedisUrl('budgets');

// The budgets of issue 24 through the built command, in memory and on a real Redis: sandbox calls
// per credential (--admin-rate-limit), the token call per client address and per OAuth key,
// refused credentials per client address (--auth-failure-limit), client addresses from
// X-Forwarded-For only behind a trusted proxy (--trust-proxy).

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };
const OPERATOR_TOKEN = 'a-long-operator-token-for-the-budget-tests';
const folder = mkdtempSync(join(tmpdir(), 'budgets-'));
const ACCOUNTS = join(folder, 'accounts.yaml');
writeFileSync(
  ACCOUNTS,
  [
    'accounts:',
    '  - { username: alpha, password: pw-alpha, oauth: { key: alpha-key, secret: alpha-secret } }',
    '  - { username: beta, password: pw-beta, oauth: { key: beta-key, secret: beta-secret } }',
    '  - { username: gamma, password: pw-gamma, oauth: { key: gamma-key, secret: gamma-secret } }',
    '',
  ].join('\n'),
);
const ALPHA = basicAuthorization('alpha', 'pw-alpha');
const BETA = basicAuthorization('beta', 'pw-beta');
const ACCOUNTS_MODE = ['--auth', 'accounts', '--accounts', ACCOUNTS, '--validate-responses', '--admin-token', OPERATOR_TOKEN];
const WARNING = 'too many refused credentials';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

async function call(url: string, path: string, headers: Record<string, string> = {}, init: { method?: string; body?: object } = {}): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...headers, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}
let customers = 0;
/** A deactivation of a customer no other call deactivates: 200 whenever it is admitted. */
const deactivate = (url: string, headers: Record<string, string>) => call(url, `${DEACTIVATE_PATH}?customerId=${800_000_000 + (customers += 1)}`, headers, { method: 'POST' });
const tokenCall = (url: string, key: string, secret: string, headers: Record<string, string> = {}) =>
  call(url, '/v3/oauth/token/generate', headers, { method: 'POST', body: { key, secret } });
const from = (address: string) => ({ 'x-forwarded-for': address });
const guess = (attempt: number) => basicAuthorization('alpha', `wrong-${attempt}`);

/** `count` calls, `parallel` at a time, their statuses in the order they were made. */
async function statusesOf(count: number, parallel: number, make: (index: number) => Promise<Answer>): Promise<number[]> {
  const statuses: number[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = await Promise.all(Array.from({ length: Math.min(parallel, count - start) }, (_, offset) => make(start + offset)));
    statuses.push(...batch.map((answer) => answer.status));
  }
  return statuses;
}
const tally = (statuses: readonly number[]) => statuses.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

function expectRateLimited(answer: Answer, limit: number): void {
  expect(answer.status).toBe(429);
  expect(answer.body).toEqual({ data: null, errors: [{ code: 429, message: 'Rate limit exceeded. Retry after the number of seconds in Retry-After.' }] });
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(answer.headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(answer.headers.get('x-ratelimit-remaining')).toBe('0');
  expect(answer.headers.get('x-ratelimit-reset')).toBe(String(retryAfter));
}

const warningsIn = (output: string) => output.split('\n').filter((line) => line.includes(WARNING));
const mismatchesIn = (output: string) => output.split('\n').filter((line) => line.includes('answer does not match the contract'));

function budgetSuite(env: () => NodeJS.ProcessEnv): void {
  const running = stoppedAfterEach();
  async function serve(args: string[]): Promise<{ url: string; output: () => string }> {
    const sandbox = startCli(args, { ...LOCAL, ...env() });
    running.push(sandbox);
    return { url: await listeningUrl(sandbox.output), output: sandbox.output };
  }

  it('sandbox calls: --admin-rate-limit per credential, its sessions sharing it; another credential and the API are unaffected', async () => {
    const { url, output } = await serve([...ACCOUNTS_MODE, '--admin-rate-limit', '200']);
    const sessions = await statusesOf(200, 20, (index) => call(url, '/__sandbox/state', { authorization: ALPHA, 'x-sandbox-session': `job-${index % 4}` }));
    expect(tally(sessions)).toEqual({ 200: 200 });
    expectRateLimited(await call(url, '/__sandbox/coverage', { authorization: ALPHA, 'x-sandbox-session': 'another-job' }), 200);
    expectRateLimited(await call(url, '/__sandbox/reset', { authorization: ALPHA }, { method: 'POST' }), 200);
    expect((await call(url, '/__sandbox/state', { authorization: BETA })).status).toBe(200);
    // The API's own budget is apart, and so are the calls that need no credential.
    expect((await deactivate(url, { authorization: ALPHA })).status).toBe(200);
    expect((await call(url, '/healthz')).status).toBe(200);
    expect(mismatchesIn(output())).toEqual([]);
  });

  it('3,000 guesses from one address: 429 past --auth-failure-limit for that address only, one warn line, no password', async () => {
    const { url, output } = await serve([...ACCOUNTS_MODE, '--trust-proxy', 'loopback', '--auth-failure-limit', '30']);
    const statuses = await statusesOf(3_000, 100, (attempt) => deactivate(url, { authorization: guess(attempt), ...from('203.0.113.7') }));
    expect(tally(statuses)).toEqual({ 401: 30, 429: 2_970 });
    // The right credential from that address is refused as the wrong ones are, until the minute ends…
    expectRateLimited(await deactivate(url, { authorization: ALPHA, ...from('203.0.113.7') }), 30);
    expectRateLimited(await call(url, '/__sandbox/state', { authorization: BETA, ...from('203.0.113.7') }), 30);
    expectRateLimited(await tokenCall(url, 'alpha-key', 'alpha-secret', from('203.0.113.7')), 30);
    // …and from another address it is served.
    expect((await deactivate(url, { authorization: ALPHA, ...from('198.51.100.9') })).status).toBe(200);
    expect((await call(url, '/__sandbox/state', { authorization: ALPHA, ...from('198.51.100.9') })).status).toBe(200);
    const warnings = warningsIn(output());
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ level: 40, address: '203.0.113.7', credential: 'basic', username: 'alpha' });
    for (const secret of ['pw-alpha', md5Hex('pw-alpha'), md5Hex('wrong-0'), md5Hex('wrong-2999'), guess(0).slice('Basic '.length)]) {
      expect(output()).not.toContain(secret);
    }
    expect(mismatchesIn(output())).toEqual([]);
  });

  it('every kind of refused credential counts; calls with no credential are plain 401s and do not', async () => {
    const { url, output } = await serve([...ACCOUNTS_MODE, '--trust-proxy', 'loopback', '--auth-failure-limit', '6']);
    const address = from('192.0.2.10');
    // No credential: 401, however many, and nothing counted.
    expect(tally(await statusesOf(20, 10, () => deactivate(url, address)))).toEqual({ 401: 20 });
    const refused = [
      await call(url, '/__sandbox/tenants', { 'x-sandbox-operator-token': `${OPERATOR_TOKEN}-wrong`, ...address }),
      await call(url, '/__sandbox/tenants', { 'x-sandbox-operator-token': 'guess', ...address }),
      await deactivate(url, { 'x-cap-api-oauth-token': 'not-a-token-of-ours', ...address }),
      await deactivate(url, { authorization: 'Bearer something', ...address }),
      await tokenCall(url, 'alpha-key', 'wrong-secret', address),
      await tokenCall(url, 'no-such-key', 'alpha-secret', address),
    ];
    expect(refused.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 401]);
    // Six refusals are within the limit; the seventh is past it.
    expect((await call(url, '/__sandbox/tenants', { 'x-sandbox-operator-token': OPERATOR_TOKEN, ...address })).status).toBe(200);
    expectRateLimited(await deactivate(url, { authorization: guess(1), ...address }), 6);
    expectRateLimited(await call(url, '/__sandbox/tenants', { 'x-sandbox-operator-token': OPERATOR_TOKEN, ...address }), 6);
    expect((await call(url, '/__sandbox/tenants', { 'x-sandbox-operator-token': OPERATOR_TOKEN, ...from('192.0.2.11') })).status).toBe(200);
    expect(warningsIn(output())).toHaveLength(1);
    expect(JSON.parse(warningsIn(output())[0] ?? '{}')).toMatchObject({ address: '192.0.2.10', credential: 'basic' });
    expect(output()).not.toContain('wrong-secret');
    expect(output()).not.toContain('not-a-token-of-ours');
    expect(mismatchesIn(output())).toEqual([]);
  });

  it('without --trust-proxy, X-Forwarded-For changes nothing: every call is its peer\'s', async () => {
    const { url } = await serve([...ACCOUNTS_MODE, '--auth-failure-limit', '3']);
    const statuses = await statusesOf(4, 1, (attempt) => deactivate(url, { authorization: guess(attempt), ...from(`198.51.100.${attempt + 1}`) }));
    expect(statuses).toEqual([401, 401, 401, 429]);
    expectRateLimited(await deactivate(url, { authorization: ALPHA, ...from('192.0.2.200') }), 3);
  });

  it('the token call: a budget per OAuth key and one per client address, either refuses', async () => {
    const { url } = await serve([...ACCOUNTS_MODE, '--trust-proxy', 'loopback', '--rate-limit', '3', '--auth-failure-limit', '100']);
    // One key from four addresses: its own budget is spent, another key's is not.
    const oneKey = await statusesOf(4, 1, (index) => tokenCall(url, 'alpha-key', 'alpha-secret', from(`198.51.100.${index + 1}`)));
    expect(oneKey).toEqual([200, 200, 200, 429]);
    expect((await tokenCall(url, 'beta-key', 'beta-secret', from('198.51.100.5'))).status).toBe(200);
    // One address with unknown keys: its budget is spent before any key's, and only its own.
    const oneAddress = await statusesOf(4, 1, (index) => tokenCall(url, `guessed-key-${index}`, 'secret', from('203.0.113.50')));
    expect(oneAddress).toEqual([401, 401, 401, 429]);
    expectRateLimited(await tokenCall(url, 'beta-key', 'beta-secret', from('203.0.113.50')), 3);
    expect((await tokenCall(url, 'beta-key', 'beta-secret', from('203.0.113.51'))).status).toBe(200);
    // A partner's key with wrong secrets, from many addresses: refusals of those addresses, not the key's budget.
    const wrongSecrets = await statusesOf(6, 1, (index) => tokenCall(url, 'gamma-key', 'not-the-secret', from(`192.0.2.${index + 1}`)));
    expect(wrongSecrets).toEqual(Array<number>(6).fill(401));
    expect((await tokenCall(url, 'gamma-key', 'gamma-secret', from('192.0.2.100'))).status).toBe(200);
  });
}

describe('budgets and client addresses, in memory (dist/cli.js)', () => {
  budgetSuite(() => ({}));
});

describeWith(REDIS_URL_SET, 'budgets and client addresses, on Redis (dist/cli.js)', () => {
  beforeEach(async () => {
    await flushRedis(REDIS);
  });
  budgetSuite(() => ({ SANDBOX_REDIS_URL: REDIS }));

  describe('two replicas on one Redis', () => {
    const running = stoppedAfterEach();
    async function replicas(args: string[]): Promise<{ urls: string[]; output: () => string }> {
      const started = [startCli(args, { ...LOCAL, SANDBOX_REDIS_URL: REDIS }), startCli(args, { ...LOCAL, SANDBOX_REDIS_URL: REDIS })];
      running.push(...started);
      const urls = await Promise.all(started.map((sandbox) => listeningUrl(sandbox.output)));
      return { urls, output: () => started.map((sandbox) => sandbox.output()).join('\n') };
    }

    it('share the budget of sandbox calls, the refused credentials of an address, and an OAuth key\'s', async () => {
      const { urls, output } = await replicas([...ACCOUNTS_MODE, '--trust-proxy', 'loopback', '--admin-rate-limit', '10', '--auth-failure-limit', '5', '--rate-limit', '3']);
      const on = (index: number) => urls[index % 2] ?? '';

      const sandboxCalls = await statusesOf(11, 1, (index) => call(on(index), '/__sandbox/state', { authorization: ALPHA }));
      expect(sandboxCalls).toEqual([...Array<number>(10).fill(200), 429]);
      expectRateLimited(await call(on(1), '/__sandbox/clock', { authorization: ALPHA }), 10);
      expect((await call(on(0), '/__sandbox/state', { authorization: BETA })).status).toBe(200);

      // Guesses split over both: five refusals in all, then each replica refuses the address.
      const guesses = await statusesOf(8, 1, (attempt) => deactivate(on(attempt), { authorization: guess(attempt), ...from('203.0.113.99') }));
      expect(guesses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      for (const index of [0, 1]) {
        expectRateLimited(await deactivate(on(index), { authorization: ALPHA, ...from('203.0.113.99') }), 5);
        expect((await deactivate(on(index), { authorization: ALPHA, ...from('203.0.113.100') })).status).toBe(200);
      }
      expect(warningsIn(output())).toHaveLength(1);
      // Guesses at one replica only: the other refuses the address too, without a refusal of its own
      // (the lock is announced), so a right guess sent there is not told apart either.
      const atOne = await statusesOf(6, 1, (attempt) => deactivate(on(0), { authorization: guess(attempt + 10), ...from('203.0.113.120') }));
      expect(atOne).toEqual([401, 401, 401, 401, 401, 429]);
      // The announcement crosses Redis in about a millisecond; the right credential follows a moment later.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expectRateLimited(await deactivate(on(1), { authorization: ALPHA, ...from('203.0.113.120') }), 5);

      const tokens = await statusesOf(4, 1, (index) => tokenCall(on(index), 'beta-key', 'beta-secret', from(`198.51.100.${index + 20}`)));
      expect(tokens).toEqual([200, 200, 200, 429]);
      expect(mismatchesIn(output())).toEqual([]);
    });
  });
});
