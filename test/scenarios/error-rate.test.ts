import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SandboxConfig } from '../../src/config.js';
import { sprinkleChoices, sprinkledAt, unitDraw } from '../../src/answer/error-rate.js';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { DEFAULT_SCENARIOS_DIRECTORY } from '../../src/scenarios/load-scenarios.js';
import { startSandbox } from '../../src/index.js';
import { fraction } from '../../src/settings/value-kinds.js';
import { describeWith } from '../helpers/components.js';
import { callOf, codeOf } from '../helpers/calls.js';
import { REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';
import { PROMOTION_ID, bodyOf, theContract, useSandbox } from '../helpers/sandbox.js';

const contract = await theContract();
const set = await loadScenarios(DEFAULT_SCENARIOS_DIRECTORY, contract, compileContractChecks(contract), 'active');
const operation = (operationId: string) => contract.operations.find((candidate) => candidate.operationId === operationId)!;
const PER_CUSTOMER = 'deactivatePromotionForCustomer';
const GLOBAL = 'deactivatePromotionGlobally';

/** The first seed whose first two calls at rate 1 get different errors of the per-customer call. */
function seedWithDifferentFirstTwo(count: number): number {
  for (let seed = 0; ; seed += 1) if (sprinkledAt(seed, 0, 1, count) !== sprinkledAt(seed, 1, 1, count)) return seed;
}

describe('the errors a valid call can be sprinkled with', () => {
  it('are derived from the contract and the shipped scenarios: per customer 404 706 707 713 731 736 737 500, globally 404 811 500', () => {
    const codes = (operationId: string) => sprinkleChoices(set, operation(operationId)).map((choice) => choice.error.code);
    expect(codes(PER_CUSTOMER)).toEqual([404, 500, 706, 707, 713, 731, 736, 737]);
    expect(codes(GLOBAL)).toEqual([404, 500, 811]);
    // Each named by the scenario Prefer: code=N picks (500: unexpected-error, not the flaky sequence).
    expect(sprinkleChoices(set, operation(PER_CUSTOMER)).find((choice) => choice.error.code === 500)?.scenario).toBe('unexpected-error');
    expect(sprinkleChoices(set, operation(GLOBAL)).find((choice) => choice.error.code === 811)?.scenario).toBe('expiry-job-running');
  });

  it('draws by the seed and the position alone, near the rate, each error in turn', () => {
    const draws = Array.from({ length: 10_000 }, (_, n) => sprinkledAt(7, n, 0.3, 8));
    expect(Array.from({ length: 10_000 }, (_, n) => sprinkledAt(7, n, 0.3, 8))).toEqual(draws);
    const errors = draws.filter((draw) => draw !== undefined);
    expect(errors.length / draws.length).toBeGreaterThan(0.28);
    expect(errors.length / draws.length).toBeLessThan(0.32);
    expect(new Set(errors).size).toBe(8);
    expect(Array.from({ length: 100 }, (_, n) => sprinkledAt(8, n, 0.3, 8))).not.toEqual(draws.slice(0, 100));
    expect(sprinkledAt(7, 3, 0, 8)).toBeUndefined();
    expect(Array.from({ length: 100 }, (_, n) => sprinkledAt(7, n, 1, 8)).every((draw) => draw !== undefined)).toBe(true);
    for (let n = 0; n < 1000; n += 1) expect(unitDraw(2 ** 31 - 1, n * 1_000_003, 1)).toBeLessThan(1);
  });
});

describe('a fraction, as --error-rate takes it', () => {
  it('reads 0 to 1 in plain digits and refuses anything else, quoting the rule', () => {
    const kind = fraction('a fraction of calls');
    expect(['0', '1', '0.3', '.5', '1.0', ' 0.25 '].map((text) => kind.parse?.(text))).toEqual([0, 1, 0.3, 0.5, 1, 0.25]);
    for (const text of ['1.5', '-0.1', '1e-1', '', 'abc', '30%', 'NaN']) expect(() => kind.parse?.(text), text).toThrow(/must be a fraction of calls, a number from 0 to 1/);
    expect([0, 0.5, 1].every((value) => kind.accepts(value))).toBe(true);
    expect([Number.NaN, -0.01, 1.01, '0.5', undefined].some((value) => kind.accepts(value))).toBe(false);
  });
});

/** The feature through the API, alike whichever store holds the tenants. */
function describeErrorRate(store: string, overrides: Partial<SandboxConfig>): void {
  describe(`documented errors at a rate (${store})`, () => {
    const sandbox = useSandbox({ logLevel: 'silent', ...overrides });
    const perCustomerChoices = sprinkleChoices(set, operation(PER_CUSTOMER));
    const tenant = () => {
      const headers = { 'x-sandbox-session': `error-rate-${randomUUID()}` };
      const admin = (method: 'GET' | 'PUT' | 'DELETE', payload?: unknown) =>
        sandbox.inject({ method, url: '/__sandbox/error-rate', headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
      const call = (values: Record<string, string>, more: Record<string, string> = {}) => sandbox.inject(callOf(PER_CUSTOMER, values, { ...headers, ...more }));
      return { headers, admin, call };
    };

    it('PUT, GET and DELETE the tenant\'s own rate; the command\'s without one; bad bodies 400 in the envelope', async () => {
      const { admin } = tenant();
      expect(bodyOf(await admin('GET')).data).toEqual({ rate: 0, seed: 0, source: 'command' });
      const put = await admin('PUT', { rate: 0.1, seed: 7 });
      expect(put.statusCode).toBe(200);
      expect(bodyOf(put).data).toEqual({ rate: 0.1, seed: 7, source: 'tenant' });
      expect(bodyOf(await admin('GET')).data).toEqual({ rate: 0.1, seed: 7, source: 'tenant' });
      for (const bad of [{ rate: 1.5 }, { rate: -0.1 }, { seed: 7 }, { rate: 0.1, seed: -1 }, { rate: 0.1, seed: 1.5 }, { rate: '0.1' }, { rate: 0.1, other: 1 }, [0.1]]) {
        const refused = await admin('PUT', bad);
        expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
        expect(bodyOf(refused)).toMatchObject({ data: null, errors: [{ code: 400 }] });
        expect(bodyOf(refused).errors[0]?.message).toMatch(/^Required parameters are missing or invalid\. Body/);
      }
      expect(bodyOf(await admin('GET')).data).toEqual({ rate: 0.1, seed: 7, source: 'tenant' });
      expect(bodyOf(await admin('DELETE')).data).toBe(true);
      expect(bodyOf(await admin('GET')).data).toEqual({ rate: 0, seed: 0, source: 'command' });
    });

    it('answers the seeded sequence\'s errors as their scenarios do, journaled and counted, and leaves the world unchanged', async () => {
      const { headers, admin, call } = tenant();
      await admin('PUT', { rate: 0.5, seed: 11 });
      const expected = Array.from({ length: 30 }, (_, n) => sprinkledAt(11, n, 0.5, perCustomerChoices.length)).map((draw) => (draw === undefined ? undefined : perCustomerChoices[draw]));
      const got: (string | undefined)[] = [];
      for (let n = 0; n < 30; n += 1) {
        // The same customer each time: a success deactivates its participation, a later plain call finds 404.
        const answer = await call({ promotionId: PROMOTION_ID, customerId: '900100100' });
        const scenario = answer.headers['x-sandbox-scenario'] as string | undefined;
        got.push(scenario);
        const choice = expected[n];
        if (choice) {
          expect(answer.statusCode).toBe(choice.error.httpStatus);
          expect(bodyOf(answer)).toEqual({ data: null, errors: [{ code: choice.error.code, message: choice.error.message }] });
        }
      }
      expect(got).toEqual(expected.map((choice) => choice?.scenario));
      const sprinkled = expected.filter((choice) => choice !== undefined);
      expect(sprinkled.length).toBeGreaterThan(5);
      expect(new Set(sprinkled).size).toBeGreaterThan(3);
      const journal = bodyOf(await sandbox.inject({ url: '/__sandbox/requests?limit=100', headers })).data as { requests: { scenario: string | null; code: number | null }[] };
      expect([...journal.requests].reverse().map((entry) => entry.scenario ?? undefined)).toEqual(got);
      const coverage = bodyOf(await sandbox.inject({ url: '/__sandbox/coverage', headers })).data as { answers: { operationId: string; code: number; count: number }[] };
      const counted = (code: number) => coverage.answers.find((answer) => answer.operationId === PER_CUSTOMER && answer.code === code)?.count ?? 0;
      for (const choice of perCustomerChoices.filter((c) => c.error.code !== 404)) expect(counted(choice.error.code)).toBe(expected.filter((e) => e === choice).length);
    });

    it('leaves the world as it was: a sprinkled error deactivates nothing', async () => {
      const { headers, admin, call } = tenant();
      await admin('PUT', { rate: 1, seed: 3 });
      for (let n = 0; n < 5; n += 1) expect((await call({ promotionId: PROMOTION_ID, customerId: '900100200' })).headers['x-sandbox-scenario']).toBeDefined();
      const state = bodyOf(await sandbox.inject({ url: '/__sandbox/state', headers })).data as { changes: { inactiveParticipations: unknown[]; inactivePromotions: unknown[] } };
      expect(state.changes).toMatchObject({ inactiveParticipations: [], inactivePromotions: [] });
      await admin('PUT', { rate: 0, seed: 3 });
      expect(codeOf(await call({ promotionId: PROMOTION_ID, customerId: '900100200' }))).toBe(200);
      const after = bodyOf(await sandbox.inject({ url: '/__sandbox/state', headers })).data as { changes: { inactiveParticipations: unknown[] } };
      expect(after.changes.inactiveParticipations).toHaveLength(1);
    });

    it('comes after authentication and validation (401, 400, 725), and after a forced scenario, a pin and a magic value, which take no turn', async () => {
      const { headers, admin, call } = tenant();
      const seed = seedWithDifferentFirstTwo(perCustomerChoices.length);
      await admin('PUT', { rate: 1, seed });
      const anonymous = await sandbox.app.inject(callOf(PER_CUSTOMER, { promotionId: PROMOTION_ID, customerId: '1' }, headers));
      expect(anonymous.statusCode).toBe(401);
      expect(codeOf(await sandbox.inject({ method: 'POST', url: `/api_gateway/v1/promotions/${PROMOTION_ID}/deactivate`, headers }))).toBe(400);
      expect(codeOf(await call({ promotionId: 'not-an-id', customerId: '1' }))).toBe(400);
      expect(codeOf(await sandbox.inject(callOf(GLOBAL, { promotionId: 'not-an-id' }, headers)))).toBe(725);
      expect(codeOf(await call({ promotionId: PROMOTION_ID, customerId: '1' }, { 'x-sandbox-scenario': 'deactivated-for-customer' }))).toBe(200);
      expect(codeOf(await call({ promotionId: PROMOTION_ID, customerId: '2' }, { prefer: 'code=707' }))).toBe(707);
      expect(codeOf(await call({ promotionId: PROMOTION_ID, customerId: '737000737' }))).toBe(737);
      expect(codeOf(await call({ promotionId: '000000000000000000000706', customerId: '3' }))).toBe(706);
      await sandbox.inject({ method: 'PUT', url: '/__sandbox/scenario', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'deactivated-for-customer', count: 1 }) });
      expect(codeOf(await call({ promotionId: PROMOTION_ID, customerId: '4' }))).toBe(200);
      // None of them took a turn: the next plain call is the sequence's first.
      const first = perCustomerChoices[sprinkledAt(seed, 0, 1, perCustomerChoices.length)!]!;
      expect((await call({ promotionId: PROMOTION_ID, customerId: '5' })).headers['x-sandbox-scenario']).toBe(first.scenario);
    });

    it('a tenant\'s own rate wins over the command\'s; a reset starts its sequence again and keeps it', async () => {
      const { headers, admin, call } = tenant();
      await admin('PUT', { rate: 1, seed: 5 });
      const names = async (count: number) => {
        const out: unknown[] = [];
        for (let n = 0; n < count; n += 1) out.push((await call({ promotionId: PROMOTION_ID, customerId: String(600 + n) })).headers['x-sandbox-scenario']);
        return out;
      };
      const before = await names(4);
      await sandbox.inject({ method: 'POST', url: '/__sandbox/reset', headers });
      expect(await names(4)).toEqual(before);
      expect(bodyOf(await admin('GET')).data).toEqual({ rate: 1, seed: 5, source: 'tenant' });
    });
  });
}

describeErrorRate('memory', {});
describeWith(REDIS_URL_SET, 'documented errors at a rate on Redis', () => {
  describeErrorRate('Redis', { redis: REDIS_URL });
});

describe('the rate limit comes first', () => {
  const sandbox = useSandbox({ logLevel: 'silent', rateLimit: 2, errorRate: 1, errorSeed: 1 });
  it('429 once the budget is spent, whatever the error rate', async () => {
    const headers = { 'x-sandbox-session': 'limited' };
    const codes = [];
    for (let n = 0; n < 3; n += 1) codes.push((await sandbox.inject(callOf(PER_CUSTOMER, { promotionId: PROMOTION_ID, customerId: String(n + 1) }, headers))).headers['x-sandbox-scenario']);
    expect(codes.slice(0, 2).every((name) => typeof name === 'string' && name !== 'rate-limited')).toBe(true);
    const refused = await sandbox.inject(callOf(PER_CUSTOMER, { promotionId: PROMOTION_ID, customerId: '9' }, headers));
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['x-sandbox-scenario']).toBeUndefined();
  });
});

describe('startSandbox().errorRate', () => {
  it('sets, shows and clears the tenant\'s rate with the sandbox\'s credential', async () => {
    const sandbox = await startSandbox({ port: 0, logLevel: 'silent', errorRate: 0.2, errorSeed: 9 });
    try {
      expect(await sandbox.errorRate({ rate: 1, seed: 4 })).toEqual({ rate: 1, seed: 4, source: 'tenant' });
      const choices = sprinkleChoices(set, operation(GLOBAL));
      const answer = await fetch(`${sandbox.url}/api_gateway/v1/promotions/${PROMOTION_ID}/deactivate`, { method: 'PUT', headers: { authorization: sandbox.authorization } });
      expect(answer.headers.get('x-sandbox-scenario')).toBe(choices[sprinkledAt(4, 0, 1, choices.length)!]!.scenario);
      expect(await sandbox.errorRate(undefined)).toEqual({ rate: 0.2, seed: 9, source: 'command' });
      await expect(sandbox.errorRate({ rate: 2 })).rejects.toThrow(/rate must be <= 1/);
    } finally {
      await sandbox.close();
    }
  });
});
