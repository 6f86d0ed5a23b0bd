import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIOS_DIRECTORY, loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { REQUIRED_KEYS } from '../../src/contract/catalogue.js';
import { compileContractChecks } from '../../src/contract/contract-checks.js';
import { bodyOf, theContract, useSandbox } from '../helpers/sandbox.js';
import { callOf, codeOf, freshIds } from '../helpers/calls.js';

const POST = 'deactivatePromotionForCustomer';
const PUT = 'deactivatePromotionGlobally';

const contract = await theContract();
const shipped = await loadScenarios(DEFAULT_SCENARIOS_DIRECTORY, contract, compileContractChecks(contract), 'active');
/** The codes the shipped scenarios of POST answer, in order, as the refusal lists them. */
const postCodes = [...new Set(shipped.forOperation(POST).flatMap((scenario) => (scenario.code === undefined ? [] : [scenario.code])))].sort((a, b) => a - b);

describe('choosing a scenario', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  let session = 0;
  const own = () => ({ 'x-sandbox-session': `choose-${(session += 1)}` });

  it('Prefer: code=N picks the scenario that answers N for the operation: the vendor\'s code, not the HTTP status', async () => {
    const response = await sandbox.inject(callOf(POST, freshIds(), { prefer: 'code=737', ...own() }));
    expect(response.statusCode).toBe(400);
    expect(codeOf(response)).toBe(737);
    expect(response.headers['x-sandbox-scenario']).toBe('open-cart');
    // code=400 is the vendor's 400 (invalid input), not any answer sent with HTTP 400.
    expect(codeOf(await sandbox.inject(callOf(POST, freshIds(), { prefer: 'code=400', ...own() })))).toBe(400);
    const global = await sandbox.inject(callOf(PUT, freshIds(), { prefer: 'code=811', ...own() }));
    expect(codeOf(global)).toBe(811);
  });

  it('Prefer: code=200 picks the plain success, not the slow one', async () => {
    const response = await sandbox.inject(callOf(PUT, freshIds(), { prefer: 'code=200', ...own() }));
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-sandbox-scenario']).toBe('deactivated-globally');
  });

  it.each([
    ['an unknown scenario name', { 'x-sandbox-scenario': 'no-such-thing' }, POST, /Scenario "no-such-thing" does not exist\. Scenarios for deactivatePromotionForCustomer: .*open-cart/],
    ['a scenario of the other operation', { 'x-sandbox-scenario': 'expiry-job-running' }, POST, /Scenario "expiry-job-running" is not for deactivatePromotionForCustomer/],
    ['a code the operation does not document', { prefer: 'code=725' }, POST, `No scenario answers code 725 for deactivatePromotionForCustomer. Codes with a scenario: ${postCodes.join(', ')}.`],
  ])('%s gets 422 naming it and listing what exists', async (_name, headers, operationId, message) => {
    const response = await sandbox.inject(callOf(operationId, freshIds(), { ...headers, ...own() }));
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response).errors[0]?.code).toBe(422);
    expect(bodyOf(response).errors[0]?.message).toMatch(message);
  });

  it.each([
    ['code=abc', 'It is not code=<three digits>.'],
    ['code=', 'It is not code=<three digits>.'],
    ['code=7370', 'It is not code=<three digits>.'],
    ['code=737, respond-async', 'It is not code=<three digits>.'],
    ['respond-async', 'It is not code=<three digits>.'],
    ['example=open-cart', "Prism's example= is not supported."],
    ['dynamic=true', "Prism's dynamic= is not supported."],
  ])('Prefer: %s is refused with 422, naming it and what is accepted, and changes nothing', async (prefer, why) => {
    const entry = (await theContract()).catalogue.get(REQUIRED_KEYS.unknownScenario);
    const headers = own();
    const ids = freshIds();
    // The tenant made first (a reset writes; a read makes no tenant), so that its clock's start is the same before and after.
    await sandbox.inject({ method: 'POST', url: '/__sandbox/reset', headers });
    const stateBefore = (await sandbox.inject({ url: '/__sandbox/state', headers })).json<unknown>();
    const refused = await sandbox.inject(callOf(POST, ids, { ...headers, prefer }));
    expect(refused.statusCode).toBe(entry.httpStatus);
    expect(bodyOf(refused).errors).toEqual([
      {
        code: entry.code,
        message:
          `${entry.message} Prefer ${JSON.stringify(prefer)}: ${why} The sandbox takes one preference, code=N, with N the vendor's code as ` +
          `errors[0].code carries it (code=737 answers HTTP 400 with code 737), or 200 for the success; or name a scenario in X-Sandbox-Scenario.`,
      },
    ]);
    expect((await sandbox.inject({ url: '/__sandbox/state', headers })).json()).toEqual(stateBefore);
    // The world was not changed: the same call without the header is still the first deactivation.
    expect(codeOf(await sandbox.inject(callOf(POST, ids, headers)))).toBe(200);
    expect((await sandbox.inject({ url: '/__sandbox/state', headers })).json()).not.toEqual(stateBefore);
    expect(codeOf(await sandbox.inject(callOf(POST, ids, headers)))).toBe(404);
  });

  it('contract validation comes first: an invalid call gets 400 whatever was forced', async () => {
    const response = await sandbox.inject({
      method: 'POST',
      url: `/api_gateway/v1/promotions/${freshIds().promotionId}/deactivate?customerId=abc`,
      headers: { 'x-sandbox-scenario': 'open-cart' },
    });
    expect(response.statusCode).toBe(400);
    expect(codeOf(response)).toBe(400);
  });

  it('the header wins over a pin, and a pin over magic values and the world', async () => {
    const headers = own();
    await sandbox.inject({ method: 'PUT', url: '/__sandbox/scenario', headers, payload: { name: 'unexpected-error' } });
    expect(codeOf(await sandbox.inject(callOf(POST, freshIds(), { ...headers, 'x-sandbox-scenario': 'open-cart' })))).toBe(737);
    expect(codeOf(await sandbox.inject(callOf(POST, { promotionId: '000000000000000000000706' }, headers)))).toBe(500);
    expect(codeOf(await sandbox.inject(callOf(PUT, freshIds(), headers)))).toBe(500);
  });

  it('a pin for one operation, for N calls, then removed', async () => {
    const headers = own();
    const pin = await sandbox.inject({ method: 'PUT', url: '/__sandbox/scenario', headers, payload: { name: 'unexpected-error', operation: PUT, count: 2 } });
    expect(pin.json()).toEqual({ data: { scenario: 'unexpected-error', operationId: PUT, remaining: 2 }, errors: [] });
    expect(codeOf(await sandbox.inject(callOf(POST, freshIds(), headers)))).toBe(200);
    expect(codeOf(await sandbox.inject(callOf(PUT, freshIds(), headers)))).toBe(500);
    expect((await sandbox.inject({ url: '/__sandbox/scenario', headers })).json()).toEqual({ data: { scenario: 'unexpected-error', operationId: PUT, remaining: 1 }, errors: [] });
    expect(codeOf(await sandbox.inject(callOf(PUT, freshIds(), headers)))).toBe(500);
    expect(codeOf(await sandbox.inject(callOf(PUT, freshIds(), headers)))).toBe(200);
    expect((await sandbox.inject({ url: '/__sandbox/scenario', headers })).json()).toEqual({ data: null, errors: [] });
  });

  it('DELETE /__sandbox/scenario removes a pin', async () => {
    const headers = own();
    await sandbox.inject({ method: 'PUT', url: '/__sandbox/scenario', headers, payload: { name: 'open-cart' } });
    expect(codeOf(await sandbox.inject(callOf(POST, freshIds(), headers)))).toBe(737);
    expect((await sandbox.inject({ method: 'DELETE', url: '/__sandbox/scenario', headers })).json()).toEqual({ data: true, errors: [] });
    expect(codeOf(await sandbox.inject(callOf(POST, freshIds(), headers)))).toBe(200);
  });

  it.each([
    ['an unknown scenario', { name: 'nope' }, 422, /Scenario "nope" does not exist/],
    ['an operation the scenario is not for', { name: 'open-cart', operation: PUT }, 422, /Scenario open-cart is not for "deactivatePromotionGlobally"/],
    ['no name', { count: 1 }, 400, /Body must have required property 'name'/],
    ['a count of zero', { name: 'open-cart', count: 0 }, 400, /Body \/count must be >= 1/],
    ['an unknown property', { name: 'open-cart', forever: true }, 400, /must NOT have additional properties/],
  ])('pinning %s is refused with %s', async (_name, payload, status, message) => {
    const response = await sandbox.inject({ method: 'PUT', url: '/__sandbox/scenario', headers: own(), payload });
    expect(response.statusCode).toBe(status);
    expect(bodyOf(response).errors[0]?.message).toMatch(message);
  });

  it('a sequence answers 500, 500, then success, and reset starts it again', async () => {
    const headers = { ...own(), 'x-sandbox-scenario': 'flaky-then-success' };
    const codes = [];
    for (let call = 0; call < 4; call += 1) codes.push(codeOf(await sandbox.inject(callOf(PUT, freshIds(), headers))));
    expect(codes).toEqual([500, 500, 200, 200]);
    await sandbox.inject({ method: 'POST', url: '/__sandbox/reset', headers });
    expect(codeOf(await sandbox.inject(callOf(PUT, freshIds(), headers)))).toBe(500);
  });

  it('latency delays the answer by the scenario\'s time', async () => {
    const started = performance.now();
    const response = await sandbox.inject(callOf(PUT, freshIds(), { ...own(), 'x-sandbox-scenario': 'slow-success' }));
    expect(response.statusCode).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('lists every scenario with its operations, code, status, description and magic values', async () => {
    const response = await sandbox.inject({ url: '/__sandbox/scenarios' });
    const list = response.json<{ data: { name: string; operations: string[]; code: number | null; httpStatus: number | null; magic: Record<string, Record<string, string>> }[] }>().data;
    expect(list.find((scenario) => scenario.name === 'open-cart')).toMatchObject({
      operations: [POST],
      code: 737,
      httpStatus: 400,
      magic: { [POST]: { customerId: '737000737' } },
    });
    // A magic value is listed under the operations it reaches: the global call has no customer.
    const invalid = list.find((scenario) => scenario.name === 'invalid-input');
    expect(invalid?.operations).toEqual([POST, 'deactivatePromotionGlobally']);
    expect(invalid?.magic).toEqual({ [POST]: { customerId: 'not-a-number' } });
    expect(list.find((scenario) => scenario.name === 'connection-dropped')).toMatchObject({ code: null, httpStatus: null });
    expect(list.map((scenario) => scenario.name)).toEqual([...list.map((scenario) => scenario.name)].sort());
  });
});
