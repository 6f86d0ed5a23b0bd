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
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.finished;
    }
  });
});
