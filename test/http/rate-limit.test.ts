import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEFAULT_CONTRACT_PATH, loadContract } from '../../src/contract/load-contract.js';
import { md5Hex } from '../../src/auth/credentials.js';
import { useSandbox } from '../helpers/sandbox.js';
import { callOf, freshIds } from '../helpers/calls.js';

const PUT = 'deactivatePromotionGlobally';

describe('the rate limit, per API key', () => {
  const sandbox = useSandbox({ logLevel: 'silent', rateLimit: 3 });
  const key = (name: string) => ({ authorization: `Basic ${Buffer.from(`${name}:x`).toString('base64')}` });

  it('answers 429 in the envelope past the budget, with Retry-After and the rate-limit headers', async () => {
    const answers = [];
    for (let call = 0; call < 4; call += 1) answers.push(await sandbox.app.inject(callOf(PUT, freshIds(), key('spender'))));
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 429]);
    // The contract declares the rate-limit headers on 429 only: a success carries none of them.
    expect(Object.keys(answers[0]?.headers ?? {}).filter((name) => name.startsWith('x-ratelimit'))).toEqual([]);
    const refused = await sandbox.app.inject(callOf(PUT, freshIds(), key('spender')));
    expect(refused.json()).toEqual({ data: null, errors: [{ code: 429, message: 'Rate limit exceeded. Retry after the number of seconds in Retry-After.' }] });
    expect(refused.headers).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts per key: another key, or the sandbox\'s own calls, are not affected', async () => {
    for (let call = 0; call < 4; call += 1) await sandbox.app.inject(callOf(PUT, freshIds(), key('busy')));
    expect((await sandbox.app.inject(callOf(PUT, freshIds(), key('calm')))).statusCode).toBe(200);
    expect((await sandbox.app.inject({ url: '/__sandbox/requests', headers: key('busy') })).statusCode).toBe(200);
  });

  it('counts sessions of one key against one budget', async () => {
    const statuses = [];
    for (let call = 0; call < 4; call += 1) {
      statuses.push((await sandbox.app.inject(callOf(PUT, freshIds(), { ...key('sessions'), 'x-sandbox-session': `job-${call}` }))).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('the token call, which needs no credential, is limited per caller too', async () => {
    const statuses = [];
    for (let call = 0; call < 4; call += 1) {
      statuses.push((await sandbox.app.inject({ method: 'POST', url: '/v3/oauth/token/generate', payload: { key: 'k', secret: 's' } })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('authentication comes first: no credential is 401, not 429', async () => {
    expect((await sandbox.app.inject(callOf(PUT, freshIds()))).statusCode).toBe(401);
  });

  it('the rate-limited scenario forces a 429 without spending the budget', async () => {
    const forced = await sandbox.app.inject(callOf(PUT, freshIds(), { ...key('tester'), 'x-sandbox-scenario': 'rate-limited' }));
    expect(forced.statusCode).toBe(429);
    expect(forced.headers).toMatchObject({ 'retry-after': '60', 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0' });
    expect((await sandbox.app.inject(callOf(PUT, freshIds(), key('tester')))).statusCode).toBe(200);
  });
});

describe('an account\'s own rate limit', () => {
  const folder = mkdtempSync(join(tmpdir(), 'accounts-'));
  writeFileSync(join(folder, 'accounts.yaml'), 'accounts:\n  - { username: slow, password: pw, rateLimit: 1 }\n  - { username: fast, password: pw }\n');
  const sandbox = useSandbox({ logLevel: 'silent', auth: 'accounts', accounts: join(folder, 'accounts.yaml'), rateLimit: 5 });
  const as = (name: string) => ({ authorization: `Basic ${Buffer.from(`${name}:${md5Hex('pw')}`).toString('base64')}` });

  it('overrides --rate-limit', async () => {
    expect((await sandbox.app.inject(callOf(PUT, freshIds(), as('slow')))).statusCode).toBe(200);
    expect((await sandbox.app.inject(callOf(PUT, freshIds(), as('slow')))).statusCode).toBe(429);
    for (let call = 0; call < 5; call += 1) expect((await sandbox.app.inject(callOf(PUT, freshIds(), as('fast')))).statusCode).toBe(200);
  });
});

describe("a contract's own rate limit (x-rate-limit), without --rate-limit", () => {
  const withBudget = (requestsPerMinute: number) => async () => {
    const folder = mkdtempSync(join(tmpdir(), 'contract-'));
    const document = parse(readFileSync(DEFAULT_CONTRACT_PATH, 'utf8')) as { 'x-rate-limit': { requestsPerMinute: number } };
    document['x-rate-limit'].requestsPerMinute = requestsPerMinute;
    writeFileSync(join(folder, 'contract.yaml'), stringify(document));
    return loadContract(join(folder, 'contract.yaml'));
  };
  const fractional = useSandbox({ logLevel: 'silent' }, withBudget(2.5));
  const key = { authorization: `Basic ${Buffer.from('fraction:x').toString('base64')}` };

  it('counts whole calls: 2.5 a minute is 2', async () => {
    const statuses = [];
    for (let call = 0; call < 3; call += 1) statuses.push((await fractional.app.inject(callOf(PUT, freshIds(), key))).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await fractional.app.inject(callOf(PUT, freshIds(), key))).headers['x-ratelimit-limit']).toBe('2');
  });
});
