import { describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/load-contract.js';
import { OPERATION_RULES } from '../../src/rules/operation-rules.js';
import { ABSENT_PROMOTION, HELD_PROMOTION, PROMOTION_READ_ID, contractWithPromotionRead, promotionReadScenarios } from '../helpers/promotion-read.js';
import { bodyOf, DOCS_BASIC, theContract, useSandbox } from '../helpers/sandbox.js';

const FIXTURE = contractWithPromotionRead();
const read = (id: string) => `/api_gateway/v1/promotions/${id}`;
const deactivate = (id: string) => `/api_gateway/v1/promotions/${id}/deactivate`;

// A fixture contract adds a world read with a rule of its own: its success answers the rule's
// data, and changes nothing, while the vendor's calls answer and change as they always did.
describe('a world-read operation of a contract of one\'s own', () => {
  const sandbox = useSandbox({ logLevel: 'silent', contract: FIXTURE, scenarios: promotionReadScenarios() }, () => loadContract(FIXTURE));
  const session = (id: string) => ({ authorization: DOCS_BASIC, 'x-sandbox-session': id });

  it('answers the promotion\'s status from the tenant\'s world: ACTIVE, INACTIVE after a global deactivation', async () => {
    const headers = session('read-then-deactivate');
    const before = await sandbox.inject({ url: read(HELD_PROMOTION), headers });
    expect(before.statusCode).toBe(200);
    expect(bodyOf(before)).toEqual({ data: { id: HELD_PROMOTION, status: 'ACTIVE' }, errors: [] });
    const deactivated = await sandbox.inject({ method: 'PUT', url: deactivate(HELD_PROMOTION), headers });
    expect(deactivated.body).toBe('{"data":true,"errors":[]}');
    expect(bodyOf(await sandbox.inject({ url: read(HELD_PROMOTION), headers }))).toEqual({ data: { id: HELD_PROMOTION, status: 'INACTIVE' }, errors: [] });
    // Another tenant's world is its own.
    expect(bodyOf(await sandbox.inject({ url: read(HELD_PROMOTION), headers: session('another') })).data).toEqual({ id: HELD_PROMOTION, status: 'ACTIVE' });
  });

  it('writes nothing: the state holds no change after reads', async () => {
    const headers = session('reads-only');
    for (const id of [HELD_PROMOTION, '68fb1e6831d91c625a8d9ef4']) expect((await sandbox.inject({ url: read(id), headers })).statusCode).toBe(200);
    const state = bodyOf(await sandbox.inject({ url: '/__sandbox/state', headers })).data as { changes: Record<string, unknown[]> };
    expect(Object.values(state.changes).flat()).toEqual([]);
  });

  it('refuses with the rule\'s 404 and the contract\'s 725', async () => {
    const missing = await sandbox.inject({ url: read(ABSENT_PROMOTION), headers: session('refusals') });
    expect(missing.statusCode).toBe(404);
    expect(bodyOf(missing).errors[0]?.code).toBe(404);
    expect(bodyOf(await sandbox.inject({ url: read('not-a-promotion-id'), headers: session('refusals') })).errors[0]?.code).toBe(725);
  });

  it('a forced success answers the world\'s data where the world has it, else the contract\'s example', async () => {
    const headers = { ...session('forced'), prefer: 'code=200' };
    const held = await sandbox.inject({ url: read(HELD_PROMOTION), headers });
    expect(held.headers['x-sandbox-scenario']).toBe('promotion-read');
    expect(bodyOf(held).data).toEqual({ id: HELD_PROMOTION, status: 'ACTIVE' });
    const contract = await loadContract(FIXTURE);
    const operation = contract.operations.find((candidate) => candidate.operationId === PROMOTION_READ_ID);
    const example = operation?.responses['200']?.content?.['application/json']?.example as unknown;
    expect(bodyOf(await sandbox.inject({ url: read(ABSENT_PROMOTION), headers }))).toEqual(example);
  });
});

describe('the rules of an operation the contract lacks', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });

  it('are not used: the shipped contract has no world read, so its path is no route', async () => {
    const contract = await theContract();
    expect(OPERATION_RULES[PROMOTION_READ_ID]).toBeDefined();
    expect(contract.operations.map((operation) => operation.operationId)).not.toContain(PROMOTION_READ_ID);
    const response = await sandbox.inject({ url: read(HELD_PROMOTION) });
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).errors[0]?.message).toMatch(/^No route matches this path/);
  });
});
