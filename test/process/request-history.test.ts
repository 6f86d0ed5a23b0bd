import { describe, expect, it } from 'vitest';
import { DEACTIVATE_PATH, DOCS_BASIC } from '../helpers/sandbox.js';
import { listeningUrl, startCli } from '../helpers/cli-process.js';

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };

describe('the request history of the built command', () => {
  it('filters what the client sent, counts it with total, and refuses a bad filter', async () => {
    const sandbox = startCli([], LOCAL);
    try {
      const url = await listeningUrl(sandbox.output);
      const headers = { authorization: DOCS_BASIC, 'x-sandbox-session': 'history' };
      const call = (customerId: number, extra: Record<string, string> = {}) =>
        fetch(`${url}${DEACTIVATE_PATH}?customerId=${customerId}&earnId=null`, { method: 'POST', headers: { ...headers, ...extra } });
      await call(1);
      const forced = await call(2, { 'x-sandbox-scenario': 'open-cart' });
      await call(3);
      const response = await fetch(`${url}/__sandbox/requests?operationId=deactivatePromotionForCustomer&code=737`, { headers });
      const text = await response.text();
      expect(response.status).toBe(200);
      const { data } = JSON.parse(text) as { data: { total: number; requests: { requestId: string; query: unknown; headers: Record<string, string> }[] } };
      expect(data.total).toBe(1);
      expect(data.requests[0]).toMatchObject({ requestId: forced.headers.get('x-cap-requestid'), query: { customerId: '2', earnId: 'null' }, headers: { authorization: '[redacted]' } });
      expect(text).not.toContain(DOCS_BASIC.slice(6));
      const all = (await (await fetch(`${url}/__sandbox/requests?limit=1`, { headers })).json()) as { data: { total: number; requests: unknown[] } };
      expect({ total: all.data.total, shown: all.data.requests.length }).toEqual({ total: 3, shown: 1 });
      const bad = await fetch(`${url}/__sandbox/requests?status=abc`, { headers });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { errors: { message: string }[] }).errors[0]?.message).toMatch(/Query parameter status must be an integer/);
      // A misspelt filter is refused, not ignored: "never called" must not pass on a typo.
      const typo = await fetch(`${url}/__sandbox/requests?stauts=400&code=737`, { headers });
      expect(typo.status).toBe(400);
      const refusal = (await typo.json()) as { data: unknown; errors: { code: number; message: string }[] };
      expect(refusal).toMatchObject({ data: null, errors: [{ code: 400 }] });
      expect(refusal.errors[0]?.message).toMatch(/Query parameter "stauts" is not one GET \/__sandbox\/requests takes; it takes operationId, method, status, code, scenario, since, limit\.$/);
      // So is a query the tenant's other admin calls do not take, and one that clears only some of the history.
      for (const [method, path] of [['GET', '/__sandbox/coverage?operationId=deactivatePromotionForCustomer'], ['DELETE', '/__sandbox/requests?code=737']] as const) {
        const refused = await fetch(`${url}${path}`, { method, headers });
        expect(refused.status, path).toBe(400);
        expect(((await refused.json()) as { errors: { message: string }[] }).errors[0]?.message).toMatch(/Query parameter "(operationId|code)" is not one (GET|DELETE) \/__sandbox\/(coverage|requests) takes; it takes none\.$/);
      }
      expect(((await (await fetch(`${url}/__sandbox/requests`, { headers })).json()) as { data: { total: number } }).data.total).toBe(3);
      // The vendor's calls still ignore a parameter they do not declare.
      expect((await fetch(`${url}${DEACTIVATE_PATH}?customerId=5&utm_source=x`, { method: 'POST', headers })).status).toBe(200);
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.finished;
    }
  });
});
