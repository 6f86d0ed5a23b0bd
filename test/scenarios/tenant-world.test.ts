import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { theContract, useSandbox } from '../helpers/sandbox.js';
import { callOf, codeOf, freshIds } from '../helpers/calls.js';

const POST = 'deactivatePromotionForCustomer';
const PUT = 'deactivatePromotionGlobally';
const ALICE = 'Basic YWxpY2U6c2VjcmV0';
const BOB = 'Basic Ym9iOnNlY3JldA==';

describe('a tenant\'s world changes only on success, and only for that tenant', () => {
  const sandbox = useSandbox({ logLevel: 'silent', journalSize: 5 });
  const as = (authorization: string, session?: string) => ({ authorization, ...(session ? { 'x-sandbox-session': session } : {}) });

  it('a customer deactivated once gets 404 the second time; other customers are untouched', async () => {
    const { promotionId, customerId } = freshIds();
    const headers = as(ALICE, 'transitions');
    expect(codeOf(await sandbox.inject(callOf(POST, { promotionId, customerId }, headers)))).toBe(200);
    expect(codeOf(await sandbox.inject(callOf(POST, { promotionId, customerId }, headers)))).toBe(404);
    expect(codeOf(await sandbox.inject(callOf(POST, { promotionId, customerId: '12345' }, headers)))).toBe(200);
  });

  it('an earn revoked once gets 404 the second time', async () => {
    const headers = as(ALICE, 'earns');
    const call = callOf(POST, { promotionId: '00000000000000000000e200', customerId: '200000201', earnId: '0000000000000000000ea200' }, headers);
    expect(codeOf(await sandbox.inject(call))).toBe(200);
    expect(codeOf(await sandbox.inject(call))).toBe(404);
  });

  it('a global deactivation makes every customer\'s call 404, and the global call stays 200', async () => {
    const { promotionId } = freshIds();
    const headers = as(ALICE, 'global');
    expect(codeOf(await sandbox.inject(callOf(PUT, { promotionId }, headers)))).toBe(200);
    expect(codeOf(await sandbox.inject(callOf(POST, { promotionId }, headers)))).toBe(404);
    expect(codeOf(await sandbox.inject(callOf(POST, { promotionId }, headers)))).toBe(404);
    expect(codeOf(await sandbox.inject(callOf(PUT, { promotionId }, headers)))).toBe(200);
    const state = (await sandbox.inject({ url: '/__sandbox/state', headers })).json<{ data: { promotions: { id: string; status: string }[]; changes: { inactivePromotions: string[] } } }>();
    expect(state.data.changes.inactivePromotions).toEqual([promotionId]);
    expect(state.data.promotions.find((promotion) => promotion.id === promotionId)?.status).toBe('INACTIVE');
  });

  it('an error changes nothing', async () => {
    const headers = as(ALICE, 'errors');
    for (const call of [
      callOf(POST, { promotionId: '000000000000000000000706' }, headers),
      callOf(POST, freshIds(), { ...headers, 'x-sandbox-scenario': 'unexpected-error' }),
      callOf(PUT, { promotionId: '000000000000000000000811' }, headers),
    ]) {
      expect(codeOf(await sandbox.inject(call))).not.toBe(200);
    }
    const state = (await sandbox.inject({ url: '/__sandbox/state', headers })).json<{ data: { changes: Record<string, unknown[]> } }>();
    expect(state.data.changes).toEqual({ inactivePromotions: [], inactiveParticipations: [], inactiveEarns: [] });
  });

  it('reset brings the seed world back', async () => {
    const headers = as(ALICE, 'reset');
    const { promotionId, customerId } = freshIds();
    await sandbox.inject(callOf(POST, { promotionId, customerId }, headers));
    await sandbox.inject(callOf(PUT, { promotionId: '000000000000000000000200' }, headers));
    expect((await sandbox.inject({ method: 'POST', url: '/__sandbox/reset', headers })).json()).toEqual({ data: true, errors: [] });
    expect(codeOf(await sandbox.inject(callOf(POST, { promotionId, customerId }, headers)))).toBe(200);
    expect(codeOf(await sandbox.inject(callOf(POST, { promotionId: '000000000000000000000200' }, headers)))).toBe(200);
  });

  it('tenants do not see each other: world, pin and journal', async () => {
    const { promotionId, customerId } = freshIds();
    await sandbox.inject(callOf(POST, { promotionId, customerId }, as(ALICE)));
    await sandbox.inject({ method: 'PUT', url: '/__sandbox/scenario', headers: as(ALICE), payload: { name: 'unexpected-error' } });
    // Bob, and Alice in another session, start from the seed world with no pin.
    for (const headers of [as(BOB), as(ALICE, 'other-job')]) {
      expect(codeOf(await sandbox.inject(callOf(POST, { promotionId, customerId }, headers)))).toBe(200);
      expect((await sandbox.inject({ url: '/__sandbox/scenario', headers })).json()).toEqual({ data: null, errors: [] });
      const journal = (await sandbox.inject({ url: '/__sandbox/requests', headers })).json<{ data: { requests: unknown[] } }>().data.requests;
      expect(journal).toHaveLength(1);
    }
    // Bob's reset does not touch Alice.
    await sandbox.inject({ method: 'POST', url: '/__sandbox/reset', headers: as(BOB) });
    expect((await sandbox.inject({ url: '/__sandbox/scenario', headers: as(ALICE) })).json<{ data: { scenario: string } }>().data.scenario).toBe('unexpected-error');
    await sandbox.inject({ method: 'DELETE', url: '/__sandbox/scenario', headers: as(ALICE) });
  });

  it('X-Sandbox-Session must be a short id', async () => {
    const response = await sandbox.inject(callOf(POST, freshIds(), as(ALICE, 'no spaces allowed')));
    expect(response.statusCode).toBe(400);
    expect(response.json<{ errors: { message: string }[] }>().errors[0]?.message).toContain('Header parameter X-Sandbox-Session must match pattern');
  });
});

describe('the request journal', () => {
  const sandbox = useSandbox({ logLevel: 'silent', journalSize: 3 });
  const headers = { authorization: 'Basic am91cm5hbDpzZWNyZXQ=', 'user-agent': 'partner-client/1.0', 'x-cap-api-oauth-token': 'tok-secret' };

  it('lists the tenant\'s calls newest first, bounded, with what each got, and never a credential', async () => {
    const { promotionId } = freshIds();
    await sandbox.inject(callOf(POST, { promotionId, customerId: '737000737' }, headers));
    await sandbox.inject(callOf(PUT, { promotionId }, { ...headers, 'x-sandbox-scenario': 'unexpected-error' }));
    await sandbox.inject({ method: 'POST', url: `/api_gateway/v1/promotions/${promotionId}/deactivate?customerId=x`, headers });
    await sandbox.inject(callOf(PUT, { promotionId }, headers));
    const response = await sandbox.inject({ url: '/__sandbox/requests', headers });
    const entries = response.json<{ data: { requests: Record<string, unknown>[] } }>().data.requests;
    expect(entries.map(({ method, status, code, scenario, operationId }) => ({ method, status, code, scenario, operationId }))).toEqual([
      { method: 'PUT', status: 200, code: null, scenario: null, operationId: PUT },
      { method: 'POST', status: 400, code: 400, scenario: null, operationId: POST },
      { method: 'PUT', status: 500, code: 500, scenario: 'unexpected-error', operationId: PUT },
    ]);
    expect(entries[0]).toMatchObject({ userAgent: 'partner-client/1.0', path: `/api_gateway/v1/promotions/${promotionId}/deactivate` });
    expect(typeof entries[0]?.durationMs).toBe('number');
    expect(JSON.stringify(entries)).not.toMatch(/tok-secret|am91cm5hbDpzZWNyZXQ/);
    expect((await sandbox.inject({ method: 'DELETE', url: '/__sandbox/requests', headers })).statusCode).toBe(200);
    expect((await sandbox.inject({ url: '/__sandbox/requests', headers })).json()).toEqual({ data: { total: 0, requests: [] }, errors: [] });
  });

  it('keeps its history across a reset', async () => {
    await sandbox.inject(callOf(PUT, freshIds(), headers));
    await sandbox.inject({ method: 'POST', url: '/__sandbox/reset', headers });
    expect((await sandbox.inject({ url: '/__sandbox/requests', headers })).json<{ data: { requests: unknown[] } }>().data.requests).toHaveLength(1);
  });
});

describe('determinism', () => {
  it('the same calls in the same order from a fresh world give byte-identical bodies', async () => {
    const contract = await theContract();
    const calls = [
      callOf(POST, { promotionId: '68fb1e6831d91c625a8d9ef4', customerId: '1' }),
      callOf(POST, { promotionId: '68fb1e6831d91c625a8d9ef4', customerId: '1' }),
      callOf(PUT, { promotionId: '000000000000000000000811' }),
      callOf(POST, { promotionId: '000000000000000000000736', customerId: '2' }),
      callOf(POST, { promotionId: '00000000000000000000e200', customerId: '200000201', earnId: '0000000000000000000ea200' }),
      callOf(PUT, { promotionId: '68fb1e6831d91c625a8d9ef4' }, { 'x-sandbox-scenario': 'flaky-then-success' }),
      callOf(PUT, { promotionId: '68fb1e6831d91c625a8d9ef4' }, { 'x-sandbox-scenario': 'flaky-then-success' }),
      { method: 'POST' as const, url: '/api_gateway/v1/promotions/zz/deactivate' },
    ];
    const run = async () => {
      const app = await buildApp(configWith({ logLevel: 'silent' }), { contract });
      const bodies: string[] = [];
      for (const call of calls) bodies.push((await app.inject({ ...call, headers: { authorization: 'Basic ZGV0OnNlY3JldA==', ...call.headers } })).body);
      await app.close();
      return bodies;
    };
    const [first, second] = [await run(), await run()];
    expect(second).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(3);
  });
});
