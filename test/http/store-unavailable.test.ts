import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/world/memory-store.js';
import { type Readiness, StoreUnavailableError } from '../../src/world/store-health.js';
import type { TenantChanges } from '../../src/world/tenant-changes.js';
import { callOf, freshIds } from '../helpers/calls.js';
import { useSandbox } from '../helpers/sandbox.js';

/** A failure as some backend's client library raises it: nothing the sandbox's generic code knows. */
class LinkDown extends Error {}

/** A backend of the test's own whose storage can go away: the memory store, with failures injected. */
class FailingBackend extends MemoryStore {
  /** What reading or changing a tenant's world fails with; nothing while the storage is there. */
  failure: Error | undefined;
  /** Why the backend says it is not ready; undefined while it is. */
  notReadyBecause: string | undefined;

  override changes(tenant: string): Promise<TenantChanges> {
    return this.failure ? Promise.reject(this.failure) : super.changes(tenant);
  }

  // The memory store decides at once, so its failure is thrown, not a rejected promise: the call's answer is the same 503.
  override transact(...args: Parameters<MemoryStore['transact']>): ReturnType<MemoryStore['transact']> {
    if (this.failure) throw this.failure;
    return super.transact(...args);
  }

  override readiness(): Readiness {
    return this.notReadyBecause === undefined ? { ready: true } : { ready: false, reason: this.notReadyBecause };
  }

  override unavailableError(error?: unknown): StoreUnavailableError | undefined {
    return error instanceof LinkDown ? new StoreUnavailableError('The test backend is unreachable.') : undefined;
  }
}

const KEY = { authorization: `Basic ${Buffer.from('unavailable:x').toString('base64')}` };

describe('a store backend that cannot reach its storage: 503 in its own words, whatever the backend', () => {
  const store = new FailingBackend({ journalSize: 10, idleMs: 3_600_000, maxTenants: 100 });
  const sandbox = useSandbox({ logLevel: 'silent' }, undefined, { store });
  const recover = () => {
    store.failure = undefined;
    store.notReadyBecause = undefined;
  };

  it('a failure the backend names its own is 503 SANDBOX.NOT_READY with its message, even while it says it is ready', async () => {
    store.failure = new LinkDown('socket closed');
    const answer = await sandbox.app.inject({ url: '/__sandbox/state', headers: KEY });
    recover();
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toEqual({ data: null, errors: [{ code: 503, message: expect.stringMatching(/ The test backend is unreachable\.$/) as string }] });
  });

  it("any other failure is a fault of the sandbox's own: 503 in its own entry, never the vendor's 500; /readyz stays ready", async () => {
    store.failure = new TypeError("Cannot read properties of undefined (reading 'x')");
    const answer = await sandbox.app.inject(callOf('deactivatePromotionGlobally', freshIds(), KEY));
    const ready = await sandbox.app.inject({ url: '/readyz' });
    recover();
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toEqual({
      data: null,
      errors: [{ code: 503, message: "The sandbox is not ready. It met a fault of its own, which is not an answer of the vendor's; the sandbox's log has it under this call's X-Cap-Requestid." }],
    });
    expect(answer.headers['x-cap-requestid']).toEqual(expect.any(String));
    expect(answer.body).not.toContain('reading');
    expect(ready.statusCode).toBe(200);
  });

  it('while the backend says it is not ready, /readyz and a failing call give its reason; /healthz stays 200', async () => {
    store.notReadyBecause = 'The test backend is away (reconnecting).';
    store.failure = new Error('whatever the library says meanwhile');
    const ready = await sandbox.app.inject({ url: '/readyz' });
    const call = await sandbox.app.inject({ url: '/__sandbox/state', headers: KEY });
    const health = await sandbox.app.inject({ url: '/healthz' });
    recover();
    for (const answer of [ready, call]) {
      expect(answer.statusCode).toBe(503);
      expect(answer.json<{ errors: { message: string }[] }>().errors[0]?.message).toMatch(/ The test backend is away \(reconnecting\)\.$/);
    }
    expect(health.statusCode).toBe(200);
    expect((await sandbox.app.inject(callOf('deactivatePromotionGlobally', freshIds(), KEY))).statusCode).toBe(200);
  });
});
