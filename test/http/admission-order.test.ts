import { describe, expect, it } from 'vitest';
import { callOf, codeOf, freshIds } from '../helpers/calls.js';
import { theContract, useSandbox } from '../helpers/sandbox.js';

const POST = 'deactivatePromotionForCustomer';
const BUDGET = 2;

/** An API key of its own for each test, its budget spent. */
const key = (name: string) => ({ authorization: `Basic ${Buffer.from(`${name}:x`).toString('base64')}` });

describe('the order that decides an answer: authenticate, then the rate limit, then validation, then the decision', () => {
  const sandbox = useSandbox({ logLevel: 'silent', rateLimit: BUDGET });
  const spend = async (name: string) => {
    for (let call = 0; call < BUDGET; call += 1) expect((await sandbox.app.inject(callOf(POST, freshIds(), key(name)))).statusCode).toBe(200);
  };
  const codes = async () => {
    const { catalogue } = await theContract();
    return { unauthorized: catalogue.get('GLOBAL.AUTHENTICATION_FAILED').code, limited: catalogue.get('GLOBAL.RATE_LIMIT_EXCEEDED').code };
  };

  it('a call without credentials is 401, whatever its body or parameters, and spends no budget', async () => {
    const { unauthorized } = await codes();
    const noCredential = { ...callOf(POST, { ...freshIds(), customerId: 'not-a-number' }), headers: { 'content-type': 'application/json' }, payload: '{' };
    for (let call = 0; call < BUDGET + 1; call += 1) expect(codeOf(await sandbox.app.inject(noCredential))).toBe(unauthorized);
  });

  it('past the budget, 429 comes before validation: an invalid parameter or a malformed body is not looked at', async () => {
    const { limited } = await codes();
    await spend('invalid-after-budget');
    const invalid = await sandbox.app.inject(callOf(POST, { ...freshIds(), customerId: 'not-a-number' }, key('invalid-after-budget')));
    expect(codeOf(invalid)).toBe(limited);
    const malformed = await sandbox.app.inject({ ...callOf(POST, freshIds(), { ...key('invalid-after-budget'), 'content-type': 'application/json' }), payload: '{' });
    expect(codeOf(malformed)).toBe(limited);
  });

  it('past the budget, 429 comes before a scenario asked for, and a refused call changes nothing', async () => {
    const { limited } = await codes();
    await spend('scenario-after-budget');
    const forced = await sandbox.app.inject(callOf(POST, freshIds(), { ...key('scenario-after-budget'), 'x-sandbox-scenario': 'open-cart' }));
    expect(codeOf(forced)).toBe(limited);
    const state = await sandbox.app.inject({ url: '/__sandbox/state', headers: key('scenario-after-budget') });
    expect(state.json<{ data: { changes: { inactiveParticipations: unknown[] } } }>().data.changes.inactiveParticipations).toHaveLength(BUDGET);
  });
});

describe('with --cors, a preflight comes before all of it', () => {
  const PAGE = 'http://qa-tool.test:3000';
  const sandbox = useSandbox({ logLevel: 'silent', rateLimit: 1, cors: PAGE });
  const preflight = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,x-sandbox-scenario' };

  it('is answered without credentials and costs no budget; the answers an allowed page gets, refusals too, match the contract', async () => {
    const { url } = callOf(POST, freshIds());
    for (let call = 0; call < 3; call += 1) {
      const answer = await sandbox.app.inject({ method: 'OPTIONS', url, headers: { origin: PAGE, ...preflight } });
      expect([answer.statusCode, answer.headers['access-control-allow-origin']]).toEqual([204, PAGE]);
    }
    const headers = { ...key('cors-page'), origin: PAGE };
    expect((await sandbox.app.inject(callOf(POST, freshIds(), headers))).statusCode).toBe(200);
    const limited = await sandbox.app.inject(callOf(POST, freshIds(), headers));
    expect([limited.statusCode, limited.headers['access-control-allow-origin']]).toEqual([429, PAGE]);
    const unauthorized = await sandbox.app.inject(callOf(POST, freshIds(), { origin: PAGE }));
    expect([unauthorized.statusCode, unauthorized.headers['access-control-allow-origin']]).toEqual([401, PAGE]);
  });
});
