import { describe, expect, it } from 'vitest';
import { REQUIRED_KEYS } from '../../src/contract/catalogue.js';
import { theContract, useSandbox } from '../helpers/sandbox.js';
import { callOf, freshIds } from '../helpers/calls.js';

const TOKEN = 'operator-token-0123456789abcdefghij';
const ALICE = { authorization: 'Basic YWxpY2U6eA==' };
const BOB = { authorization: 'Basic Ym9iOng=' };

describe('operator calls, with --admin-token', () => {
  const sandbox = useSandbox({ logLevel: 'silent', adminToken: TOKEN });
  const operator = { 'x-sandbox-operator-token': TOKEN };

  it("need the operator token; a partner credential or a wrong token is 401 with the operator's own message, not the partners'", async () => {
    const { catalogue } = await theContract();
    const refused = catalogue.get(REQUIRED_KEYS.operatorTokenRefused);
    expect(refused.message).not.toBe(catalogue.get(REQUIRED_KEYS.authenticationFailed).message);
    expect(refused.message).not.toMatch(/username|password/i);
    for (const headers of [{}, ALICE, { 'x-sandbox-operator-token': 'operator-token-0123456789abcdefghik' }]) {
      for (const [method, url] of [['GET', '/__sandbox/tenants'], ['DELETE', '/__sandbox/tenants'], ['DELETE', '/__sandbox/tenants/abc']] as const) {
        const response = await sandbox.app.inject({ method, url, headers });
        expect(response.statusCode).toBe(refused.httpStatus);
        expect(response.json()).toEqual({ data: null, errors: [{ code: refused.code, message: refused.message }] });
      }
    }
  });

  it('list tenants by id (never the credential) with their sizes, and forget one or all', async () => {
    await sandbox.app.inject(callOf('deactivatePromotionGlobally', freshIds(), ALICE));
    await sandbox.app.inject(callOf('deactivatePromotionGlobally', freshIds(), BOB));
    await sandbox.app.inject({ method: 'PUT', url: '/__sandbox/scenario', headers: BOB, payload: { name: 'open-cart' } });
    const listed = (await sandbox.app.inject({ url: '/__sandbox/tenants', headers: operator })).json<{
      data: { tenant: string; changes: number; journal: number; pinned: boolean }[];
    }>().data;
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatchObject({ changes: 1, journal: 1, pinned: true });
    expect(JSON.stringify(listed)).not.toMatch(/YWxpY2U|Ym9i/);

    const bob = listed[0]?.tenant ?? '';
    expect((await sandbox.app.inject({ method: 'DELETE', url: `/__sandbox/tenants/${bob}`, headers: operator })).statusCode).toBe(200);
    expect((await sandbox.app.inject({ url: '/__sandbox/scenario', headers: BOB })).json()).toEqual({ data: null, errors: [] });
    const unknown = await sandbox.app.inject({ method: 'DELETE', url: `/__sandbox/tenants/${bob}x`, headers: operator });
    const tenantNotFound = (await theContract()).catalogue.get(REQUIRED_KEYS.tenantNotFound);
    expect(unknown.statusCode).toBe(tenantNotFound.httpStatus);
    expect(unknown.json()).toEqual({ data: null, errors: [{ code: tenantNotFound.code, message: `${tenantNotFound.message} Got ${JSON.stringify(`${bob}x`)}.` }] });
    expect((await sandbox.app.inject({ method: 'DELETE', url: '/__sandbox/tenants', headers: operator })).statusCode).toBe(200);
    const after = (await sandbox.app.inject({ url: '/__sandbox/tenants', headers: operator })).json<{ data: unknown[] }>().data;
    expect(after).toEqual([]);
  });
});

describe('operator calls, without --admin-token', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });

  it('do not exist: 404, not 401 or 405', async () => {
    const routeNotFound = (await theContract()).catalogue.get(REQUIRED_KEYS.routeNotFound);
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await sandbox.app.inject({ method, url: '/__sandbox/tenants', headers: { 'x-sandbox-operator-token': TOKEN } });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ data: null, errors: [{ code: routeNotFound.code, message: `${routeNotFound.message} Got ${method} /__sandbox/tenants; the contract is at /openapi.json.` }] });
    }
    expect((await sandbox.app.inject({ method: 'DELETE', url: '/__sandbox/tenants/abc', headers: ALICE })).statusCode).toBe(404);
  });
});
