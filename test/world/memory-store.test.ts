import { describe, expect, it, vi } from 'vitest';
import { accept } from '../../src/world/decision.js';
import { MemoryStore } from '../../src/world/memory-store.js';
import { journalEntryWeight } from '../../src/world/journal-weight.js';
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
    store.transact('idle', () => change);
    store.transact('busy', () => change);
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
    for (const tenant of ['a', 'b', 'c']) store.transact(tenant, () => change);
    await store.changes('a');
    store.transact('d', () => change);
    expect((await store.tenants()).map((summary) => summary.tenant)).toEqual(['d', 'a', 'c']);
    await store.close();
  });

  it('bounds all journals together: the credential holding the most entries loses its least recently recording tenant\'s oldest first', async () => {
    const store = new MemoryStore({ journalSize: 3, journalTotal: 4, idleMs: 60_000, maxTenants: 10 });
    const call = (requestId: string) => recordedCall({ requestId, operationId: 'op', status: 200, code: null });
    store.record('a', call('a1'));
    store.record('a', call('a2'));
    store.record('b', call('b1'));
    store.record('b', call('b2'));
    store.record('b', call('b3'));
    // b recorded last, but holds the most: its own oldest call goes, not a's.
    expect([await requestIdsOf(store, 'a'), await requestIdsOf(store, 'b')]).toEqual([['a2', 'a1'], ['b3', 'b2']]);
    // A session of b's credential counts for it: b's credential still holds the most, and b recorded least recently.
    store.record('b~s', call('s1'));
    expect([await requestIdsOf(store, 'a'), await requestIdsOf(store, 'b'), await requestIdsOf(store, 'b~s')]).toEqual([['a2', 'a1'], ['b3'], ['s1']]);
    // a and b's credential hold two each: of equals, the one whose holding changed least recently (a) gives.
    store.record('c', call('c1'));
    expect([await requestIdsOf(store, 'a'), await requestIdsOf(store, 'b'), await requestIdsOf(store, 'b~s')]).toEqual([['a2'], ['b3'], ['s1']]);
    // A tenant forgotten gives its share back: the others' calls stay while d records.
    await store.forget('c');
    store.record('d', call('d1'));
    expect((await store.tenants()).reduce((sum, tenant) => sum + tenant.journal, 0)).toBe(4);
    expect([await requestIdsOf(store, 'a'), await requestIdsOf(store, 'b'), await requestIdsOf(store, 'b~s')]).toEqual([['a2'], ['b3'], ['s1']]);
    // Coverage is not part of the journal: it stays when the calls go.
    expect((await store.coverage('a')).get('op 200')).toBe(2);
    await store.close();
  });

  it('never takes a journal entry from a credential because of another credential\'s sessions', async () => {
    const store = new MemoryStore({ journalSize: 5, journalTotal: 10, idleMs: 60_000, maxTenants: 1_000 });
    const call = (requestId: string) => recordedCall({ requestId, operationId: 'op', status: 200, code: null });
    for (const id of ['k1', 'k2', 'k3']) store.record('kept~session', call(id));
    for (let session = 0; session < 200; session += 1) store.record(`busy~${String(session)}`, call(`busy-${String(session)}`));
    expect(await requestIdsOf(store, 'kept~session')).toEqual(['k3', 'k2', 'k1']);
    // busy's seven newest sessions hold its seven entries: its least recently recording lost theirs first.
    const busy = (await store.tenants()).filter((summary) => summary.tenant.startsWith('busy~') && summary.journal > 0).map((summary) => summary.tenant);
    expect(busy).toEqual(['busy~199', 'busy~198', 'busy~197', 'busy~196', 'busy~195', 'busy~194', 'busy~193']);
    await store.close();
  });

  it('keeps the journal total across tenants evicted by the tenant bound, forgotten all at once, or idle', async () => {
    let now = 0;
    const store = new MemoryStore({ journalSize: 2, journalTotal: 3, idleMs: 1_000, maxTenants: 2, now: () => now });
    const call = (requestId: string) => recordedCall({ requestId, operationId: 'op', status: 200, code: null });
    const total = async () => (await store.tenants()).reduce((sum, tenant) => sum + tenant.journal, 0);
    // Each new tenant past the bound evicts the least recently used, journal and all.
    for (const tenant of ['a', 'b', 'c', 'd', 'e']) {
      store.record(tenant, call(`${tenant}1`));
      store.record(tenant, call(`${tenant}2`));
    }
    expect((await store.tenants()).map((summary) => summary.tenant)).toEqual(['e', 'd']);
    // The total still bites: e recorded last, so d lost its oldest call.
    expect(await total()).toBe(3);
    expect(await requestIdsOf(store, 'd')).toEqual(['d2']);
    await store.forgetAll();
    for (const tenant of ['f', 'g']) for (const index of [1, 2]) store.record(tenant, call(`${tenant}${index}`));
    expect([await total(), await requestIdsOf(store, 'f')]).toEqual([3, ['f2']]);
    // An idle tenant is dropped with its journal; the next records count from what is left.
    now += 1_000;
    store.record('h', call('h1'));
    store.record('h', call('h2'));
    store.record('i', call('i1'));
    store.record('i', call('i2'));
    expect(await total()).toBe(3);
    expect(await requestIdsOf(store, 'h')).toEqual(['h2']);
    await store.close();
  });

  it('bounds all journals by their estimated bytes: big bodies push out the oldest calls of the credential holding the most bytes while the count is far under the total', async () => {
    const body = 'x'.repeat(16 * 1024);
    const call = (requestId: string) => recordedCall({ requestId, operationId: 'op', status: 200, code: null, body, bodyTruncated: true });
    const weight = journalEntryWeight(call('a1'));
    // Room for four such entries, not five; the count (20 at most) never bites.
    const store = new MemoryStore({ journalSize: 10, journalTotal: 20, journalMemoryBytes: weight * 4 + weight / 2, idleMs: 60_000, maxTenants: 10 });
    store.record('a', call('a1'));
    store.record('a', call('a2'));
    store.record('b', call('b1'));
    store.record('b', call('b2'));
    expect(await requestIdsOf(store, 'a')).toEqual(['a2', 'a1']);
    // b holds the most bytes: it loses its own oldest.
    store.record('b', call('b3'));
    expect([await requestIdsOf(store, 'a'), await requestIdsOf(store, 'b')]).toEqual([['a2', 'a1'], ['b3', 'b2']]);
    // a and b hold as much: a, whose holding changed least recently, gives.
    store.record('c', call('c1'));
    expect([await requestIdsOf(store, 'a'), await requestIdsOf(store, 'b')]).toEqual([['a2'], ['b3', 'b2']]);
    // Small calls weigh less: more of them fit in the same budget.
    store.record('c', recordedCall({ requestId: 'c2', body: null }));
    expect([await requestIdsOf(store, 'a'), await requestIdsOf(store, 'b')]).toEqual([['a2'], ['b3', 'b2']]);
    // A journal cleared, or a tenant forgotten, gives its bytes back: c grows to four big calls and the small one, then loses its oldest.
    await store.clearJournal('b');
    await store.forget('a');
    for (const id of ['c3', 'c4', 'c5']) store.record('c', call(id));
    expect(await requestIdsOf(store, 'c')).toEqual(['c5', 'c4', 'c3', 'c2', 'c1']);
    store.record('c', call('c6'));
    expect(await requestIdsOf(store, 'c')).toEqual(['c6', 'c5', 'c4', 'c3', 'c2']);
    expect((await store.tenants()).reduce((sum, tenant) => sum + tenant.journal, 0)).toBe(5);
    // Coverage is not part of the journal: it stays when the calls go.
    expect((await store.coverage('b')).get('op 200')).toBe(3);
    await store.close();
  });

  it('gives back the bytes of a call its tenant\'s full ring overwrites', async () => {
    const call = (requestId: string) => recordedCall({ requestId, body: 'x'.repeat(16 * 1024) });
    const weight = journalEntryWeight(call('a1'));
    const store = new MemoryStore({ journalSize: 2, journalMemoryBytes: weight * 3, idleMs: 60_000, maxTenants: 10 });
    store.record('b', call('b1'));
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) store.record('a', call(id));
    // a holds two calls, b one: three, within the budget, however many a overwrote.
    expect(await requestIdsOf(store, 'b')).toEqual(['b1']);
    expect(await requestIdsOf(store, 'a')).toEqual(['a5', 'a4']);
    await store.close();
  });

  it('estimates an entry\'s size as growing with its body, headers and query', () => {
    const sizes = [0, 1, 100, 16 * 1024].map((length) => journalEntryWeight(recordedCall({ body: length === 0 ? null : 'é'.repeat(length) })));
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(new Set(sizes).size).toBe(sizes.length);
    const plain = journalEntryWeight(recordedCall({ query: {}, headers: {} }));
    expect(journalEntryWeight(recordedCall({ query: { a: '1' }, headers: {} }))).toBeGreaterThan(plain);
    expect(journalEntryWeight(recordedCall({ query: {}, headers: { a: ['1', '2'] } }))).toBeGreaterThan(journalEntryWeight(recordedCall({ query: {}, headers: { a: '1' } })));
  });
});
