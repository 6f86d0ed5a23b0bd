import { describe, expect, it, vi } from 'vitest';
import { accept } from '../../src/rules/decision.js';
import { MemoryStore } from '../../src/world/memory-store.js';
import { describeStoreContract, recordedCall, requestIdsOf } from './store-contract.js';

describeStoreContract('the memory store', (limits) => {
  // A clock of the test's own: a token's lifetime passes without waiting for it.
  let now = Date.now();
  const store = new MemoryStore({ ...limits, now: () => now });
  const elapse = (ms: number) => {
    now += ms;
    return Promise.resolve();
  };
  return Promise.resolve({ store, elapse });
});

const change = accept({ kind: 'deactivate-promotion', promotionId: 'a0000000000000000000000a' });

describe('the memory store keeps memory flat on a long-running shared sandbox', () => {
  it('forgets a tenant idle for longer than the idle time, and keeps one in use', async () => {
    let now = 0;
    const store = new MemoryStore({ journalSize: 10, idleMs: 60_000, maxTenants: 100, now: () => now });
    await store.transact('idle', () => change);
    await store.transact('busy', () => change);
    now = 50_000;
    await store.changes('busy');
    now = 70_000;
    store.sweep();
    expect((await store.tenants()).map((summary) => summary.tenant)).toEqual(['busy']);
    await store.close();
  });

  it("gives an idle tenant's memory back within seconds of its idle time, not a minute later", async () => {
    vi.useFakeTimers();
    try {
      const sweep = vi.spyOn(MemoryStore.prototype, 'sweep');
      const store = new MemoryStore({ journalSize: 10, idleMs: 60_000, maxTenants: 100 });
      vi.advanceTimersByTime(60_000);
      expect(sweep.mock.calls.length).toBeGreaterThanOrEqual(6);
      await store.close();
      sweep.mockRestore();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps at most maxTenants, forgetting the least recently used', async () => {
    let now = 0;
    const store = new MemoryStore({ journalSize: 10, idleMs: 60_000, maxTenants: 3, now: () => (now += 1) });
    for (const tenant of ['a', 'b', 'c']) await store.transact(tenant, () => change);
    await store.changes('a');
    await store.transact('d', () => change);
    expect((await store.tenants()).map((summary) => summary.tenant)).toEqual(['d', 'a', 'c']);
    await store.close();
  });

  it('bounds all journals together: the tenants that recorded least recently lose their oldest calls first', async () => {
    const store = new MemoryStore({ journalSize: 3, journalTotal: 4, idleMs: 60_000, maxTenants: 10 });
    const call = (requestId: string) => recordedCall({ requestId, operationId: 'op', status: 200, code: null });
    await store.record('a', call('a1'));
    await store.record('a', call('a2'));
    await store.record('b', call('b1'));
    await store.record('b', call('b2'));
    await store.record('b', call('b3'));
    expect(await requestIdsOf(store, 'a')).toEqual(['a2']);
    await store.record('c', call('c1'));
    expect(await requestIdsOf(store, 'a')).toEqual([]);
    expect(await requestIdsOf(store, 'b')).toEqual(['b3', 'b2', 'b1']);
    // A tenant forgotten gives its share back: b's calls stay while d records.
    await store.forget('c');
    await store.record('d', call('d1'));
    expect(await requestIdsOf(store, 'b')).toEqual(['b3', 'b2', 'b1']);
    expect((await store.tenants()).reduce((sum, tenant) => sum + tenant.journal, 0)).toBe(4);
    // Coverage is not part of the journal: it stays when the calls go.
    expect((await store.coverage('a')).get('op 200')).toBe(2);
    await store.close();
  });
});
