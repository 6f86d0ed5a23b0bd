import { afterEach, describe, expect, it } from 'vitest';
import { type Decision, accept, answer, refuse } from '../../src/world/decision.js';
import type { ChangeReads, TenantChanges } from '../../src/world/tenant-changes.js';
import type { JournalEntry, JournalFilter, RecordedCall } from '../../src/world/journal-store.js';
import type { TenantStore } from '../../src/world/tenant-store.js';
import { type ClockMode, type ClockReading, planMove } from '../../src/world/tenant-clock.js';

/** The bounds a store is made with; each test asks for what it checks. */
export interface StoreLimits {
  readonly journalSize: number;
  readonly maxTenants: number;
  /** Tenants one credential (what comes before `~` in a tenant) holds at most; unbounded but by maxTenants when absent. */
  readonly maxSessions?: number;
  /** A tenant unused this long is forgotten. */
  readonly idleMs: number;
  /** How tenants' clocks run; the store's default (frozen) when absent. */
  readonly clock?: ClockMode;
}

export interface StoreUnderTest {
  readonly store: TenantStore;
  /** Lets time pass for the store: a fake clock moves on, or the test waits for real. */
  readonly elapse: (ms: number) => Promise<void>;
}

/** Makes a store that holds nothing yet (a backend of real storage empties it first). */
export type MakeStore = (limits: StoreLimits) => Promise<StoreUnderTest>;

const LIMITS: StoreLimits = { journalSize: 3, maxTenants: 100, idleMs: 3_600_000 };
const P = 'a0000000000000000000000a';
const Q = 'b0000000000000000000000b';
const EARN = 'e0000000000000000000000e';
const CUSTOMER = '566881933';

const reads = (named: Partial<ChangeReads>): ChangeReads => ({ promotions: [], participations: [], earns: [], ...named });
const deactivate = (promotionId: string): Decision => accept({ kind: 'deactivate-promotion', promotionId });
/** As the rules decide: a change is refused once it was made. */
const deactivateOnce =
  (promotionId: string) =>
  (changes: TenantChanges): Decision =>
    changes.inactivePromotions.has(promotionId) ? refuse('ALREADY_INACTIVE') : deactivate(promotionId);
const everything = async (store: TenantStore, tenant: string) => {
  const changes = await store.changes(tenant);
  return [...changes.inactivePromotions, ...changes.inactiveParticipations, ...changes.inactiveEarns];
};

/** A call as the HTTP layer records one, with what its client sent. */
export const recordedCall = (overrides: Partial<RecordedCall> = {}): RecordedCall => ({
  at: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  requestId: 'request',
  method: 'POST',
  path: '/api_gateway/v1/promotions/x/deactivate?customerId=1&earnId=null',
  operationId: 'deactivatePromotionForCustomer',
  status: 200,
  code: null,
  scenario: null,
  userAgent: 'contract-test',
  durationMs: 1.5,
  query: { customerId: '1', earnId: 'null' },
  queryTruncated: false,
  headers: { authorization: '[redacted]', accept: ['application/json', 'text/plain'], 'content-type': 'application/json' },
  headersTruncated: false,
  body: '{"note":"é"}',
  bodyTruncated: false,
  ...overrides,
});
const call = recordedCall;

/** The request ids of a tenant's journal as a filter selects it, newest first. */
export async function requestIdsOf(store: TenantStore, tenant: string, filter: JournalFilter = {}): Promise<string[] | undefined> {
  return (await store.journal(tenant, filter))?.requests.map((entry) => entry.requestId);
}

const entries = async (store: TenantStore, tenant: string): Promise<readonly JournalEntry[]> => (await store.journal(tenant))?.requests ?? [];

/**
 * The behaviour every store backend must share, so that the sandbox answers alike whichever
 * one holds its tenants: each backend's test file calls this with a maker of fresh stores.
 */
export function describeStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name} keeps the store contract`, () => {
    const opened: TenantStore[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    const open = async (limits: Partial<StoreLimits> = {}): Promise<StoreUnderTest> => {
      const made = await makeStore({ ...LIMITS, ...limits });
      opened.push(made.store);
      return made;
    };

    describe('world changes', () => {
      it('applies an accepted decision; the same decision made again is refused and changes nothing', async () => {
        const { store } = await open();
        expect(await store.transact('t', deactivateOnce(P), reads({ promotions: [P] }))).toEqual(deactivate(P));
        expect(await store.transact('t', deactivateOnce(P), reads({ promotions: [P] }))).toEqual(refuse('ALREADY_INACTIVE'));
        expect(await everything(store, 't')).toEqual([P]);
      });

      it('a success without a change answers its data and writes nothing; with one, applies it', async () => {
        const { store } = await open();
        const read = answer({ id: P, status: 'ACTIVE' });
        expect(await store.transact('t', () => read, reads({ promotions: [P] }))).toBe(read);
        expect(await store.transact('t', () => read)).toBe(read);
        expect(await everything(store, 't')).toEqual([]);
        const both = answer({ id: P, status: 'INACTIVE' }, { kind: 'deactivate-promotion', promotionId: P });
        expect(await store.transact('t', () => both, reads({ promotions: [P] }))).toBe(both);
        expect(await everything(store, 't')).toEqual([P]);
      });

      it('keeps each kind of change in its own set, per tenant', async () => {
        const { store } = await open();
        await store.transact('t', () => deactivate(P));
        await store.transact('t', () => accept({ kind: 'deactivate-participation', customerId: CUSTOMER, promotionId: Q }));
        await store.transact('t', () => accept({ kind: 'deactivate-earn', earnId: EARN }));
        const changes = await store.changes('t');
        expect([...changes.inactivePromotions]).toEqual([P]);
        expect([...changes.inactiveParticipations]).toEqual([`${CUSTOMER}/${Q}`]);
        expect([...changes.inactiveEarns]).toEqual([EARN]);
        expect(await everything(store, 'other')).toEqual([]);
      });

      it('shows a decision which of the members it names are present', async () => {
        const { store } = await open();
        await store.transact('t', () => deactivate(P));
        let seen: TenantChanges | undefined;
        await store.transact('t', (changes) => ((seen = changes), refuse('LOOKED')), reads({ promotions: [P, Q] }));
        expect(seen?.inactivePromotions.has(P)).toBe(true);
        expect(seen?.inactivePromotions.has(Q)).toBe(false);
      });

      it('applies a change decided without reads as it is, even when it was already made', async () => {
        const { store } = await open();
        expect(await store.transact('t', () => deactivate(P))).toEqual(deactivate(P));
        expect(await store.transact('t', () => deactivate(P))).toEqual(deactivate(P));
        expect(await everything(store, 't')).toEqual([P]);
      });

      it('of concurrent identical decisions, exactly one is accepted', async () => {
        const { store } = await open();
        const decisions = await Promise.all(Array.from({ length: 20 }, async () => store.transact('t', deactivateOnce(P), reads({ promotions: [P] }))));
        expect(decisions.filter((decision) => decision.accepted)).toHaveLength(1);
      });

      it('refuses a decision whose absent members appeared before it applied (no write skew)', async () => {
        const { store } = await open();
        // Each change excludes the other: the earn goes only while P is active, P only while the earn is.
        const earnUnlessP = (changes: TenantChanges) => (changes.inactivePromotions.has(P) ? refuse('P_INACTIVE') : accept({ kind: 'deactivate-earn', earnId: EARN }));
        const pUnlessEarn = (changes: TenantChanges) => (changes.inactiveEarns.has(EARN) ? refuse('EARN_INACTIVE') : deactivate(P));
        const decisions = await Promise.all([store.transact('t', earnUnlessP, reads({ promotions: [P] })), store.transact('t', pUnlessEarn, reads({ earns: [EARN] }))]);
        expect(decisions.filter((decision) => decision.accepted)).toHaveLength(1);
        expect(await everything(store, 't')).toHaveLength(1);
      });
    });

    describe('clock', () => {
      const advance = (seconds: number) => (reading: ClockReading) => planMove(reading, { advanceSeconds: seconds });
      const timeOf = async (store: TenantStore, tenant: string) => (await store.clock(tenant)).now;
      /** The clock of a tenant made by a call that writes (a read makes none). */
      const started = async (store: TenantStore, tenant: string) => {
        await store.moveClock(tenant, advance(0));
        return store.clock(tenant);
      };

      it('starts at the tenant\'s first call, frozen, and moves only when told', async () => {
        const { store, elapse } = await open();
        const before = Date.now();
        await store.record('t', call());
        const first = await store.clock('t');
        expect(first.advancedMs).toBe(0);
        expect(first.now).toBe(first.start);
        expect(Math.abs(first.start - before)).toBeLessThan(60_000);
        await elapse(30);
        expect(await store.clock('t')).toEqual(first);
        expect(await store.moveClock('t', advance(301))).toEqual({ start: first.start, advancedMs: 301_000, now: first.start + 301_000 });
        expect(await timeOf(store, 't')).toBe(first.start + 301_000);
        // Another tenant's clock is its own.
        expect((await store.clock('u')).advancedMs).toBe(0);
      });

      it('of a tenant it does not hold, reads as a fresh tenant\'s would, starting nothing: the first call that writes starts it', async () => {
        const { store, elapse } = await open();
        const before = Date.now();
        const read = await store.clock('t');
        expect(read.advancedMs).toBe(0);
        expect(read.now).toBe(read.start);
        expect(Math.abs(read.start - before)).toBeLessThan(60_000);
        await elapse(30);
        // Read again later, it is fresh again: nothing was kept.
        expect((await store.clock('t')).start).toBeGreaterThan(read.start);
        const { start } = await started(store, 't');
        await elapse(30);
        expect((await store.clock('t')).start).toBe(start);
      });

      it('is started by any call that writes, a pin or a reset too: reads after it see one frozen time', async () => {
        for (const write of [(store: TenantStore) => store.setPin('t', { scenario: 'open-cart' }), (store: TenantStore) => store.reset('t')]) {
          const { store, elapse } = await open();
          await write(store);
          const first = await store.clock('t');
          await elapse(30);
          expect(await store.clock('t')).toEqual(first);
        }
      });

      it('changes nothing on a refused move', async () => {
        const { store } = await open();
        const { start } = await started(store, 't');
        await store.moveClock('t', advance(10));
        expect(await store.moveClock('t', (reading) => planMove(reading, { time: new Date(start).toISOString() }))).toEqual({ problem: expect.stringMatching(/never moves back/) as unknown });
        expect(await timeOf(store, 't')).toBe(start + 10_000);
      });

      it('goes back to its start on a reset, the start kept', async () => {
        const { store } = await open();
        const { start } = await started(store, 't');
        await store.moveClock('t', advance(3600));
        await store.reset('t');
        expect(await store.clock('t')).toEqual({ start, advancedMs: 0, now: start });
      });

      it('is forgotten with its tenant: a later first call starts it again', async () => {
        const { store, elapse } = await open();
        const { start } = await started(store, 't');
        await store.moveClock('t', advance(60));
        await store.forget('t');
        await elapse(5);
        const again = await store.clock('t');
        expect(again.advancedMs).toBe(0);
        expect(again.start).toBeGreaterThan(start);
      });

      it('gives a decision the tenant\'s time, and journals the tenant\'s time beside the wall time', async () => {
        const { store } = await open();
        const { start } = await started(store, 't');
        await store.moveClock('t', advance(301));
        let seen: ClockReading | undefined;
        await store.transact('t', (_changes, clock) => ((seen = clock), refuse('LOOKED')), reads({ promotions: [P] }));
        expect(seen).toEqual({ start, advancedMs: 301_000, now: start + 301_000 });
        await store.record('t', call({ at: start + 5 }));
        expect((await entries(store, 't'))[0]).toMatchObject({ time: new Date(start + 5).toISOString(), tenantTime: new Date(start + 301_000).toISOString() });
      });

      it('never applies a decision made at a time the clock has left: it is made again at the new time', async () => {
        const { store } = await open();
        const { start } = await started(store, 't');
        await store.moveClock('t', advance(1));
        const times: number[] = [];
        // Accepted only once a second has passed; while the first decision is made, a reset takes the clock back
        // (a reset's commands leave at once: they reach the store before the decision's write).
        const decision = await store.transact(
          't',
          (_changes, clock) => {
            times.push(clock.now);
            if (times.length === 1) void store.reset('t');
            return clock.now >= start + 1000 ? deactivate(P) : refuse('TOO_EARLY');
          },
          reads({ promotions: [P] }),
        );
        expect(times).toEqual([start + 1000, start]);
        expect(decision).toEqual(refuse('TOO_EARLY'));
        expect(await everything(store, 't')).toEqual([]);
      });

      it('of concurrent moves, each is applied once: advances add up', async () => {
        const { store } = await open();
        const { start } = await started(store, 't');
        await Promise.all(Array.from({ length: 10 }, () => store.moveClock('t', advance(1))));
        expect(await timeOf(store, 't')).toBe(start + 10_000);
      });

      it('with clock real, follows the wall clock, an advance adding to it', async () => {
        const { store, elapse } = await open({ clock: 'real' });
        const first = await started(store, 't');
        await elapse(50);
        const later = await store.clock('t');
        expect(later.now - first.now).toBeGreaterThanOrEqual(45);
        const moved = await store.moveClock('t', advance(60));
        expect('now' in moved && moved.now - later.now).toBeGreaterThanOrEqual(60_000);
        await store.reset('t');
        const reset = await store.clock('t');
        expect(reset.advancedMs).toBe(0);
        expect(reset.now).toBeGreaterThanOrEqual(later.now);
      });
    });

    describe('reset', () => {
      it('goes back to the seed world: changes, pin and sequence positions go; journal and coverage stay', async () => {
        const { store } = await open();
        await store.transact('t', () => deactivate(P));
        await store.setPin('t', { scenario: 'open-cart' });
        await store.nextInSequence('t', 'flaky');
        await store.record('t', call());
        await store.reset('t');
        expect(await everything(store, 't')).toEqual([]);
        expect(await store.pin('t')).toBeUndefined();
        expect(await store.nextInSequence('t', 'flaky')).toBe(0);
        expect(await entries(store, 't')).toHaveLength(1);
        expect(Object.fromEntries(await store.coverage('t'))).toEqual({ 'deactivatePromotionForCustomer 200': 1 });
      });

      it('resets one tenant only', async () => {
        const { store } = await open();
        await store.transact('kept', () => deactivate(P));
        await store.reset('t');
        expect(await everything(store, 'kept')).toEqual([P]);
      });
    });

    describe('pins', () => {
      it('keeps a pin until it is removed, per tenant', async () => {
        const { store } = await open();
        await store.setPin('t', { scenario: 'open-cart', operationId: 'deactivatePromotionGlobally' });
        expect(await store.pin('t')).toEqual({ scenario: 'open-cart', operationId: 'deactivatePromotionGlobally' });
        expect(await store.pin('other')).toBeUndefined();
        await store.setPin('t', undefined);
        expect(await store.pin('t')).toBeUndefined();
      });

      it('counts each call that takes a pin of N calls, and the pin goes after the Nth', async () => {
        const { store } = await open();
        await store.setPin('t', { scenario: 'open-cart', remaining: 2 });
        expect(await store.takePin('t', () => true)).toEqual({ scenario: 'open-cart', remaining: 2 });
        expect(await store.pin('t')).toEqual({ scenario: 'open-cart', remaining: 1 });
        expect(await store.takePin('t', () => true)).toEqual({ scenario: 'open-cart', remaining: 1 });
        expect(await store.pin('t')).toBeUndefined();
        expect(await store.takePin('t', () => true)).toBeUndefined();
      });

      it('neither gives nor counts a pin that does not apply to the call', async () => {
        const { store } = await open();
        await store.setPin('t', { scenario: 'open-cart', remaining: 2 });
        expect(await store.takePin('t', () => false)).toBeUndefined();
        expect(await store.pin('t')).toEqual({ scenario: 'open-cart', remaining: 2 });
      });

      it('gives a pin without a count to every call, and keeps it', async () => {
        const { store } = await open();
        await store.setPin('t', { scenario: 'open-cart' });
        for (let take = 0; take < 3; take += 1) expect(await store.takePin('t', () => true)).toEqual({ scenario: 'open-cart' });
        expect(await store.pin('t')).toEqual({ scenario: 'open-cart' });
      });

      it('gives a pin of N calls to N of many concurrent calls', async () => {
        const { store } = await open();
        await store.setPin('t', { scenario: 'open-cart', remaining: 3 });
        const taken = await Promise.all(Array.from({ length: 10 }, async () => store.takePin('t', () => true)));
        expect(taken.filter((pin) => pin !== undefined).map((pin) => pin?.remaining)).toEqual(expect.arrayContaining([3, 2, 1]));
        expect(taken.filter((pin) => pin !== undefined)).toHaveLength(3);
        expect(await store.pin('t')).toBeUndefined();
      });
    });

    describe('sequences', () => {
      it('gives each call the next position, per scenario and per tenant', async () => {
        const { store } = await open();
        expect([await store.nextInSequence('t', 'flaky'), await store.nextInSequence('t', 'flaky'), await store.nextInSequence('t', 'flaky')]).toEqual([0, 1, 2]);
        expect(await store.nextInSequence('t', 'other-scenario')).toBe(0);
        expect(await store.nextInSequence('other-tenant', 'flaky')).toBe(0);
      });

      it('gives concurrent calls distinct positions', async () => {
        const { store } = await open();
        const positions = await Promise.all(Array.from({ length: 10 }, async () => store.nextInSequence('t', 'flaky')));
        expect([...positions].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      });
    });

    describe('error rates', () => {
      it('keeps a tenant\'s error rate until removed, per tenant, through a reset; forgets it with the tenant', async () => {
        const { store } = await open();
        expect(await store.errorRate('t')).toBeUndefined();
        await store.setErrorRate('t', { rate: 0.25, seed: 7 });
        expect(await store.errorRate('t')).toEqual({ rate: 0.25, seed: 7 });
        expect(await store.errorRate('other')).toBeUndefined();
        await store.reset('t');
        expect(await store.errorRate('t')).toEqual({ rate: 0.25, seed: 7 });
        await store.setErrorRate('t', undefined);
        expect(await store.errorRate('t')).toBeUndefined();
        await store.setErrorRate('t', { rate: 1, seed: 0 });
        expect(await store.forget('t')).toBe(true);
        expect(await store.errorRate('t')).toBeUndefined();
      });
    });

    describe('journal', () => {
      it('shows the recorded calls newest first, with their time as ISO text', async () => {
        const { store } = await open();
        await store.record('t', call({ requestId: 'first', at: Date.UTC(2026, 0, 2, 3, 4, 5, 6) }));
        await store.record('t', call({ requestId: 'second', status: 0, code: null, scenario: 'drop-connection' }));
        const journal = await entries(store, 't');
        expect(journal.map((entry) => entry.requestId)).toEqual(['second', 'first']);
        const { at, ...recorded } = call({ requestId: 'first' });
        // The tenant's time at the call: its frozen clock, at its start.
        expect(journal[1]).toEqual({ time: new Date(at).toISOString(), tenantTime: new Date((await store.clock('t')).now).toISOString(), ...recorded });
        expect(journal[1]?.time).toBe('2026-01-02T03:04:05.006Z');
      });

      it('keeps what the client sent as it was sent: query, headers (lists too), the body as text, or none', async () => {
        const { store } = await open();
        const sent = call({ requestId: 'sent' });
        await store.record('t', sent);
        await store.record('t', call({ requestId: 'bodiless', query: {}, headers: {}, body: null }));
        await store.record('t', call({ requestId: 'cut', body: 'x'.repeat(100), bodyTruncated: true }));
        const [cut, bodiless, withBody] = await entries(store, 't');
        expect(withBody).toMatchObject({ query: sent.query, headers: sent.headers, body: sent.body, bodyTruncated: false });
        expect(bodiless).toMatchObject({ query: {}, headers: {}, body: null, bodyTruncated: false });
        expect(cut).toMatchObject({ body: 'x'.repeat(100), bodyTruncated: true });
      });

      it('keeps the newest calls up to the journal size', async () => {
        const { store } = await open({ journalSize: 3 });
        for (const requestId of ['1', '2', '3', '4', '5']) await store.record('t', call({ requestId }));
        expect(await requestIdsOf(store, 't')).toEqual(['5', '4', '3']);
      });

      describe('filters', () => {
        const T0 = Date.UTC(2026, 0, 2, 3, 0, 0);
        // Oldest first: a, b, c, d, e; one second apart.
        const history: Partial<RecordedCall>[] = [
          { requestId: 'a', status: 200, code: null },
          { requestId: 'b', status: 400, code: 737, scenario: 'open-cart' },
          { requestId: 'c', method: 'PUT', operationId: 'deactivatePromotionGlobally', status: 200, code: null },
          { requestId: 'd', status: 400, code: 737, scenario: 'open-cart' },
          { requestId: 'e', status: 0, code: null, scenario: 'drop-connection' },
        ];
        const filled = async (): Promise<TenantStore> => {
          const { store } = await open({ journalSize: 10 });
          for (const [index, overrides] of history.entries()) await store.record('t', call({ ...overrides, at: T0 + index * 1000 }));
          await store.record('other', call({ requestId: 'elsewhere', status: 400, code: 737 }));
          return store;
        };

        it('select by each field, every one given matching, with the total', async () => {
          const store = await filled();
          expect(await requestIdsOf(store, 't', { operationId: 'deactivatePromotionGlobally' })).toEqual(['c']);
          expect(await requestIdsOf(store, 't', { method: 'POST' })).toEqual(['e', 'd', 'b', 'a']);
          expect(await requestIdsOf(store, 't', { status: 200 })).toEqual(['c', 'a']);
          expect(await requestIdsOf(store, 't', { status: 0 })).toEqual(['e']);
          expect(await requestIdsOf(store, 't', { code: 737 })).toEqual(['d', 'b']);
          expect(await requestIdsOf(store, 't', { scenario: 'open-cart' })).toEqual(['d', 'b']);
          expect(await requestIdsOf(store, 't', { operationId: 'deactivatePromotionForCustomer', status: 200 })).toEqual(['a']);
          expect(await requestIdsOf(store, 't', { code: 404 })).toEqual([]);
          expect((await store.journal('t', { code: 737 }))?.total).toBe(2);
        });

        it('since a time: the calls at or after it', async () => {
          const store = await filled();
          expect(await requestIdsOf(store, 't', { since: { time: T0 + 2000 } })).toEqual(['e', 'd', 'c']);
          expect(await requestIdsOf(store, 't', { since: { time: T0 + 2001 } })).toEqual(['e', 'd']);
          expect(await requestIdsOf(store, 't', { since: { time: T0 + 9000 } })).toEqual([]);
        });

        it('since a request: the calls after it; a request the history does not hold selects nothing it could guess', async () => {
          const store = await filled();
          expect(await requestIdsOf(store, 't', { since: { requestId: 'b' } })).toEqual(['e', 'd', 'c']);
          expect(await requestIdsOf(store, 't', { since: { requestId: 'e' } })).toEqual([]);
          expect(await requestIdsOf(store, 't', { since: { requestId: 'b' }, code: 737 })).toEqual(['d']);
          expect(await store.journal('t', { since: { requestId: 'elsewhere' } })).toBeUndefined();
        });

        it('limit keeps the newest; the total counts every call selected', async () => {
          const store = await filled();
          expect(await store.journal('t', { method: 'POST', limit: 2 })).toMatchObject({ total: 4, requests: [{ requestId: 'e' }, { requestId: 'd' }] });
          expect(await store.journal('t', { limit: 10 })).toMatchObject({ total: 5 });
          expect(await store.journal('nobody', {})).toEqual({ total: 0, requests: [] });
        });
      });

      it('clears one tenant\'s journal only', async () => {
        const { store } = await open();
        await store.record('t', call());
        await store.record('other', call());
        await store.clearJournal('t');
        expect(await entries(store, 't')).toEqual([]);
        expect(await entries(store, 'other')).toHaveLength(1);
      });
    });

    describe('coverage', () => {
      it('counts each answer by operation and code (a success by its status), a dropped call not at all', async () => {
        const { store } = await open();
        await store.record('t', call({ status: 200, code: null }));
        await store.record('t', call({ status: 200, code: null }));
        await store.record('t', call({ status: 400, code: 8015 }));
        await store.record('t', call({ status: 0, code: null }));
        await store.record('t', call({ operationId: null, status: 404, code: 404 }));
        expect(Object.fromEntries(await store.coverage('t'))).toEqual({ 'deactivatePromotionForCustomer 200': 2, 'deactivatePromotionForCustomer 8015': 1 });
        expect(await store.coverage('other')).toEqual(new Map());
      });

      it('is cleared on its own: clearing the journal keeps it, clearing it keeps the journal', async () => {
        const { store } = await open();
        await store.record('t', call());
        await store.clearJournal('t');
        expect((await store.coverage('t')).size).toBe(1);
        await store.record('t', call());
        await store.clearCoverage('t');
        expect(await store.coverage('t')).toEqual(new Map());
        expect(await entries(store, 't')).toHaveLength(1);
      });
    });

    describe('tenants', () => {
      it('lists every tenant in use, most recently used first, with its size', async () => {
        const { store, elapse } = await open();
        await store.transact('a', () => deactivate(P));
        await store.transact('a', () => deactivate(Q));
        await elapse(20);
        await store.record('b', call());
        await store.setPin('b', { scenario: 'open-cart' });
        expect(await store.tenants()).toEqual([
          { tenant: 'b', changes: 0, journal: 1, pinned: true, idleSeconds: expect.any(Number) as number },
          { tenant: 'a', changes: 2, journal: 0, pinned: false, idleSeconds: expect.any(Number) as number },
        ]);
      });

      it('forgets a tenant entirely, and says whether it knew it', async () => {
        const { store } = await open();
        await store.transact('gone', () => deactivate(P));
        await store.setPin('gone', { scenario: 'open-cart' });
        await store.nextInSequence('gone', 'flaky');
        await store.record('gone', call());
        await store.record('kept', call());
        expect(await store.forget('gone')).toBe(true);
        expect(await store.forget('never-seen')).toBe(false);
        expect((await store.tenants()).map((summary) => summary.tenant)).toEqual(['kept']);
        expect(await everything(store, 'gone')).toEqual([]);
        expect(await store.pin('gone')).toBeUndefined();
        expect(await store.nextInSequence('gone', 'flaky')).toBe(0);
        expect(await entries(store, 'gone')).toEqual([]);
        expect(await store.coverage('gone')).toEqual(new Map());
        expect(await entries(store, 'kept')).toHaveLength(1);
      });

      it('forgets every tenant at once, and says how many', async () => {
        const { store } = await open();
        await store.transact('a', () => deactivate(P));
        await store.record('b', call());
        expect(await store.tenantCount()).toBe(2);
        expect(await store.forgetAll()).toBe(2);
        expect(await store.tenants()).toEqual([]);
        expect(await store.tenantCount()).toBe(0);
        expect(await everything(store, 'a')).toEqual([]);
        expect(await entries(store, 'b')).toEqual([]);
      });

      // --tenant-idle-minutes: forgotten when the idle time is over, not a sweep later (a minute's
      // idle time once let a tenant live two). Short enough for a backend that keeps real time;
      // Redis's touches of one tenant are a second apart at least (redis-store.ts), hence 1.2 s.
      it('forgets a tenant idle for the idle time: gone from the listing, and a call meets a fresh world; one in use stays', async () => {
        const { store, elapse } = await open({ idleMs: 2_000 });
        await store.transact('idle', () => deactivate(P));
        await store.setPin('idle', { scenario: 'open-cart' });
        await store.record('idle', call());
        await store.transact('busy', () => deactivate(P));
        await elapse(1_200);
        await store.changes('busy');
        await elapse(1_000);
        expect((await store.tenants()).map((summary) => summary.tenant)).toEqual(['busy']);
        expect(await store.forget('idle')).toBe(false);
        expect(await everything(store, 'idle')).toEqual([]);
        expect(await store.pin('idle')).toBeUndefined();
        expect(await entries(store, 'idle')).toEqual([]);
        expect(await everything(store, 'busy')).toEqual([P]);
      });

      it('answers a read of a tenant it does not hold with the seed world\'s view, and keeps nothing', async () => {
        const { store } = await open();
        await store.transact('kept', () => deactivate(P));
        expect(await everything(store, 'ghost')).toEqual([]);
        expect(await store.pin('ghost')).toBeUndefined();
        expect(await store.journal('ghost')).toEqual({ total: 0, requests: [] });
        expect(await store.coverage('ghost')).toEqual(new Map());
        expect((await store.clock('ghost~session')).advancedMs).toBe(0);
        expect((await store.tenants()).map((summary) => summary.tenant)).toEqual(['kept']);
        expect(await store.tenantCount()).toBe(1);
        expect(await store.forget('ghost')).toBe(false);
      });

      it('keeps at most maxSessions tenants per credential: past it, that credential\'s least recently used goes, never another\'s', async () => {
        const { store, elapse } = await open({ maxSessions: 3 });
        for (const tenant of ['other', 'other~x', 'busy', 'busy~1', 'busy~2', 'busy~3', 'busy~4']) {
          await store.transact(tenant, () => deactivate(P));
          await elapse(20);
        }
        await expect.poll(async () => (await store.tenants()).map((summary) => summary.tenant)).toEqual(['busy~4', 'busy~3', 'busy~2', 'other~x', 'other']);
        expect(await everything(store, 'busy~1')).toEqual([]);
        expect(await everything(store, 'other')).toEqual([P]);
      });

      it('past maxTenants, the credential holding the most (the new tenant counted) gives up its least recently used; of equals, the least recently active', async () => {
        const { store, elapse } = await open({ maxTenants: 4 });
        const make = async (tenant: string) => {
          await store.transact(tenant, () => deactivate(P));
          await store.setPin(tenant, { scenario: 'open-cart' });
          await elapse(20);
        };
        const held = async () => (await store.tenants()).map((summary) => summary.tenant);
        for (const tenant of ['kept', 'kept~a']) await make(tenant);
        // busy's sessions never push out kept's tenants: past the bound, busy holds the most (or ties, counting the new one).
        for (let session = 1; session <= 6; session += 1) await make(`busy~${String(session)}`);
        await expect.poll(held).toEqual(['busy~6', 'busy~5', 'kept~a', 'kept']);
        // A third credential: kept and busy hold two each; kept, least recently active (busy's holding changed last), gives up its least recently used.
        await make('third');
        await expect.poll(held).toEqual(['third', 'busy~6', 'busy~5', 'kept~a']);
        // Now busy holds the most.
        await make('fourth');
        await expect.poll(held).toEqual(['fourth', 'third', 'busy~6', 'kept~a']);
        // What stays is whole; what went is gone (read last: a read of a tenant held is a use of it).
        expect([await everything(store, 'kept~a'), await store.pin('kept~a')]).toEqual([[P], { scenario: 'open-cart' }]);
        expect([await everything(store, 'kept'), await store.pin('busy~5')]).toEqual([[], undefined]);
      });

      it('keeps at most maxTenants, forgetting the least recently used', async () => {
        const { store, elapse } = await open({ maxTenants: 2 });
        for (const tenant of ['first', 'second', 'third']) {
          await store.transact(tenant, () => deactivate(P));
          await elapse(20);
        }
        // A backend may forget in the background of the call that went past the limit.
        await expect.poll(async () => (await store.tenants()).map((summary) => summary.tenant)).toEqual(['third', 'second']);
        expect(await everything(store, 'first')).toEqual([]);
      });
    });

    describe('health', () => {
      it('is ready while its storage is there, and takes no ordinary error for its absence', async () => {
        const { store } = await open();
        expect(store.readiness()).toEqual({ ready: true });
        expect(store.unavailableError(new Error('a fault of the sandbox'))).toBeUndefined();
      });
    });

    describe('access tokens', () => {
      it('knows a token\'s identity for its lifetime, and no more', async () => {
        const { store, elapse } = await open();
        const identity = { tenant: 'oauth:abc', apiKey: 'oauth:abc', rateLimit: 5 };
        await store.saveToken('token-1', identity, 1);
        expect(await store.tokenIdentity('token-1')).toEqual(identity);
        expect(await store.tokenIdentity('never-issued')).toBeUndefined();
        await elapse(1_100);
        expect(await store.tokenIdentity('token-1')).toBeUndefined();
      });
    });
  });
}
