import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/index.js';

describe('startSandbox(), from a Node test suite', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const deactivate = (customerId: number) =>
    fetch(`${sandbox.url}/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=${customerId}`, {
      method: 'POST',
      headers: { authorization: sandbox.authorization },
    });

  it('listens on a free port of 127.0.0.1', () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('pins a scenario, shows the requests, resets the world', async () => {
    expect((await deactivate(1)).status).toBe(200);
    expect((await deactivate(1)).status).toBe(404);
    await sandbox.pin('open-cart', { count: 1 });
    expect(((await (await deactivate(2)).json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(737);
    expect((await sandbox.requests()).requests.map((entry) => entry.status)).toEqual([400, 404, 200]);
    await sandbox.reset();
    expect((await deactivate(1)).status).toBe(200);
    await sandbox.pin('unexpected-error');
    expect((await deactivate(3)).status).toBe(500);
    await sandbox.unpin();
    expect((await deactivate(4)).status).toBe(200);
  });

  it('filters the requests: a client that retried 737 three times, then stopped, with what it sent', async () => {
    // The client under test: gives up after three attempts that get 737 (a pending cart).
    const clientDeactivate = async (customerId: number): Promise<void> => {
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const body = (await (await deactivate(customerId)).json()) as { errors: { code: number }[] };
        if (body.errors[0]?.code !== 737) return;
      }
    };
    const before = (await sandbox.requests({ limit: 1 })).requests[0];
    await sandbox.pin('open-cart');
    await clientDeactivate(566881933);
    await sandbox.unpin();
    const since = before?.requestId ?? new Date(0);
    const retried = await sandbox.requests({ operationId: 'deactivatePromotionForCustomer', code: 737, since });
    expect(retried.total).toBe(3);
    expect(retried.requests.map((entry) => entry.query)).toEqual(Array.from({ length: 3 }, () => ({ customerId: '566881933' })));
    expect(retried.requests[0]).toMatchObject({ body: null, headers: { authorization: '[redacted]' } });
    expect((await sandbox.requests({ since })).total).toBe(3);
    expect(await sandbox.requests({ code: 737, limit: 1 })).toMatchObject({ total: 4, requests: [retried.requests[0]] });
  });

  it('refuses a bad filter with the sandbox\'s message', async () => {
    await expect(sandbox.requests({ limit: 0 })).rejects.toThrow(/Query parameter limit must be >= 1/);
  });

  it('says what is wrong when asked for a scenario that does not exist', async () => {
    await expect(sandbox.pin('no-such-scenario')).rejects.toThrow(/Scenario "no-such-scenario" does not exist/);
  });

  it('takes settings, each sandbox on a port of its own', async () => {
    const strict = await startSandbox({ unknownPromotions: 'not-found' });
    const response = await fetch(`${strict.url}/api_gateway/v1/promotions/0123456789abcdef01234567/deactivate`, { method: 'PUT', headers: { authorization: strict.authorization } });
    expect(response.status).toBe(404);
    expect(strict.url).not.toBe(sandbox.url);
    await strict.close();
  });
});
