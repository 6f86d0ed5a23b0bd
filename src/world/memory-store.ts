import type { Identity } from '../auth/identity.js';
import type { Decision } from './decision.js';
import { NO_CHANGES, type OwnChanges, type TenantChanges, applyChange, changeCount, emptyChanges } from './tenant-changes.js';
import { RecencyList, type RecencyLinks } from './recency-list.js';
import { Share, ShareBuckets } from './share-buckets.js';
import { HeapShare, ShareHeap } from './share-heap.js';
import { credentialOf } from './tenant-credential.js';
import { answerKey } from './coverage-store.js';
import { selectCalls } from './journal-filter.js';
import { JournalArena, NO_ENTRY } from './journal-arena.js';
import { type JournalFilter, type JournalPage, type RecordedCall, type ShowHeaders, type StoredCall, journalEntryOf } from './journal-store.js';
import { type ClockMode, type ClockPlan, type ClockReading, DEFAULT_CLOCK_MODE, readingOf, tenantTime } from './tenant-clock.js';
import type { Pin } from './pin-store.js';
import type { ErrorRate } from './error-rate-store.js';
import type { Readiness, StoreUnavailableError } from './store-health.js';
import type { TenantSummary } from './tenant-directory.js';
import type { TenantStore } from './tenant-store.js';

/** newer and older: the tenant's place among its credential's tenants, in order of use. */
interface TenantState extends RecencyLinks<TenantState> {
  readonly tenant: string;
  readonly credential: CredentialState;
  /** NO_CHANGES (shared) until the tenant's first change, then its own sets, changed in place. */
  changes: TenantChanges | OwnChanges;
  pin: Pin | undefined;
  /** Made on first use: most tenants never run a sequence. */
  sequences: Map<string, number> | undefined;
  errorRate: ErrorRate | undefined;
  /**
   * Its journal: a chain of entries in the store's arena, oldest to newest (NO_ENTRY when empty);
   * bounded per tenant, and by the store's total and memory budget across tenants.
   */
  journalOldest: number;
  journalNewest: number;
  journalCount: number;
  /** What the tenant's journal entries weigh (journal-weight.ts). */
  journalBytes: number;
  /** Its place among its credential's tenants with journal entries; made at its first record. */
  recording: Recording | undefined;
  coverage: Map<string, number> | undefined;
  lastUsed: number;
  /** The tenant's clock (tenant-clock.ts): started at its first call, forgotten with it. */
  readonly clockStart: number;
  advancedMs: number;
}

/** A tenant's place among its credential's tenants with journal entries, in order of their latest record. */
interface Recording extends RecencyLinks<Recording> {
  readonly state: TenantState;
}

/**
 * What one credential holds (docs/hosting.md#fair-shares): its tenants (its own and its
 * sessions') and their journals, with its shares of each bound, so that a bound takes from the
 * credential that holds the most, never from one because of another's sessions.
 */
class CredentialState {
  /** Its tenants, least recently used first. */
  readonly tenants = new RecencyList<TenantState>();
  /** Its tenants with journal entries, least recently recording first. */
  readonly recordings = new RecencyList<Recording>();
  readonly tenantShare = new Share<CredentialState>(this);
  readonly entryShare = new Share<CredentialState>(this);
  readonly byteShare = new HeapShare<CredentialState>(this);
  constructor(readonly id: string) {}
}

/** A decision is made again while the clock moves under it, at most this often (as on Redis). */
const MAX_ATTEMPTS = 20;

/** Live access tokens kept at most; a client that needs more tokens than this keeps few of them. */
const MAX_TOKENS = 100_000;
/**
 * How often idle tenants' memory is given back. A tenant is forgotten the moment its idle time
 * is over whatever this is (#state and the listing do not see it); this bounds only how long its
 * memory stays. It once was the idle time itself, capped at a minute: with a minute's idle time
 * a tenant lived up to two, its world still there for a call in between.
 */
const SWEEP_EVERY_MS = 10_000;

export interface MemoryStoreOptions {
  readonly journalSize: number;
  /** Journal entries kept across all tenants; default: unbounded beyond journalSize per tenant. */
  readonly journalTotal?: number;
  /** The bytes (journal-weight.ts) of journal entries kept across all tenants; default: unbounded. */
  readonly journalMemoryBytes?: number;
  /** A tenant unused this long is forgotten. */
  readonly idleMs: number;
  readonly maxTenants: number;
  /** Tenants one credential holds at most (its own and its sessions'); default: only maxTenants bounds them. */
  readonly maxSessions?: number;
  /** How tenants' clocks run (`--clock`); default DEFAULT_CLOCK_MODE. */
  readonly clock?: ClockMode;
  /** The wall clock; tests pass a fake one. */
  readonly now?: () => number;
}

/**
 * The in-process store. Each method does its work synchronously and returns a settled promise,
 * so on Node's single thread every read-decide-write is atomic for its tenant.
 * Tenants live in a Map kept in order of use, so the least recently used is the first entry:
 * a tenant idle for `idleMs` is forgotten (a call then meets a fresh world, the listing no longer
 * shows it; the sweep gives its memory back).
 * Fair shares (docs/hosting.md#fair-shares): a credential holds at most `maxSessions` tenants
 * (past it, its own least recently used goes), and past `maxTenants` the credential holding the
 * most gives up its least recently used. Journals are bounded per tenant and together: past
 * `journalTotal` entries or `journalMemoryBytes` (each entry weighed by what it holds),
 * the credential holding the most entries (or bytes) loses the oldest entries of its least
 * recently recording tenant. Who holds the most is known in O(1) (ShareBuckets) for tenants and
 * entries, in O(log credentials) (ShareHeap) for bytes, so the bounds cost the same per call
 * however many tenants there are.
 * A read (changes, clock, pin, journal, coverage) of a tenant it does not hold answers the seed
 * world's view and keeps nothing.
 */
export class MemoryStore implements TenantStore {
  readonly #tenants = new Map<string, TenantState>();
  readonly #tokens = new Map<string, { identity: Identity; expiresAt: number }>();
  readonly #now: () => number;
  readonly #clockMode: ClockMode;
  readonly #sweeper: NodeJS.Timeout;
  readonly #credentials = new Map<string, CredentialState>();
  /** Credentials by how many tenants they hold, then by last use. */
  readonly #tenantShares = new ShareBuckets<CredentialState>();
  /** Credentials by how many journal entries they hold, then by last record. */
  readonly #entryShares = new ShareBuckets<CredentialState>();
  /** Credentials by the bytes of their journal entries. */
  readonly #byteShares = new ShareHeap<CredentialState>();
  /** Every tenant's journal entries. */
  readonly #arena = new JournalArena();
  /** How recorded headers are shown, by the index an entry keeps (0: as kept). */
  readonly #shows: (ShowHeaders | null)[] = [null];
  readonly #showIndex = new Map<ShowHeaders, number>();
  #journalEntries = 0;
  #journalBytes = 0;
  /** The tenant used last: a call touches its tenant several times, one reorder is enough. */
  #newest: TenantState | undefined;

  constructor(private readonly options: MemoryStoreOptions) {
    if (!Number.isInteger(options.journalSize) || options.journalSize < 1) throw new RangeError(`a journal keeps at least one call (got ${options.journalSize})`);
    this.#now = options.now ?? Date.now;
    this.#clockMode = options.clock ?? DEFAULT_CLOCK_MODE;
    this.#sweeper = setInterval(() => this.sweep(), Math.min(options.idleMs, SWEEP_EVERY_MS)).unref();
  }

  /** Gives back the memory of idle tenants and expired tokens; runs by itself every few seconds. */
  sweep(): void {
    const now = this.#now();
    for (const state of this.#tenants.values()) {
      // In order of use: the first tenant still in use ends the sweep.
      if (!this.#idle(state, now)) break;
      this.#drop(state);
    }
    for (const [token, entry] of this.#tokens) if (entry.expiresAt <= now) this.#tokens.delete(token);
  }

  #idle(state: TenantState, now: number): boolean {
    return now - state.lastUsed >= this.options.idleMs;
  }

  /** The tenant's state if it is held and not idle; an idle one is dropped on the way. */
  #live(tenant: string, now: number): TenantState | undefined {
    const state = this.#tenants.get(tenant);
    if (state && this.#idle(state, now)) {
      this.#drop(state);
      return undefined;
    }
    return state;
  }

  /** The tenant's state for a read: undefined (and nothing kept) when the store does not hold it. */
  #held(tenant: string): TenantState | undefined {
    return this.#live(tenant, this.#now()) && this.#state(tenant);
  }

  /** A fresh tenant's clock, as a read of a tenant not held shows it. */
  #freshReading(): ClockReading {
    return this.#reading({ clockStart: this.#now(), advancedMs: 0 });
  }

  /** The tenant's state, made if the store does not hold it yet (a call that writes). */
  #state(tenant: string): TenantState {
    const now = this.#now();
    let state = this.#live(tenant, now);
    if (state && state === this.#newest) {
      state.lastUsed = now;
      return state;
    }
    if (state) this.#tenants.delete(tenant);
    else state = this.#admit(tenant, now);
    state.lastUsed = now;
    this.#tenants.set(tenant, state);
    this.#newest = state;
    state.credential.tenants.touch(state);
    this.#tenantShares.touch(state.credential.tenantShare);
    return state;
  }

  /**
   * A new tenant, room made for it: past its credential's maxSessions, that credential's least
   * recently used tenant goes; else past maxTenants, that of the credential holding the most,
   * the new tenant counted (a tie with the new tenant's own credential goes against it; among
   * others, against the least recently active: ShareBuckets).
   */
  #admit(tenant: string, now: number): TenantState {
    const id = credentialOf(tenant);
    const own = this.#credentials.get(id);
    const held = own?.tenantShare.amount ?? 0;
    if (own && held >= (this.options.maxSessions ?? Number.POSITIVE_INFINITY)) this.#dropLeastRecent(own);
    else if (this.#tenants.size >= this.options.maxTenants) {
      const fullest = own && held + 1 >= this.#tenantShares.most ? own : this.#tenantShares.biggest?.holder;
      if (fullest) this.#dropLeastRecent(fullest);
    }
    const credential = this.#credentials.get(id) ?? this.#newCredential(id);
    const state: TenantState = {
      tenant,
      credential,
      changes: NO_CHANGES,
      pin: undefined,
      sequences: undefined,
      errorRate: undefined,
      journalOldest: NO_ENTRY,
      journalNewest: NO_ENTRY,
      journalCount: 0,
      journalBytes: 0,
      recording: undefined,
      coverage: undefined,
      lastUsed: now,
      clockStart: now,
      advancedMs: 0,
      newer: undefined,
      older: undefined,
    };
    this.#tenantShares.add(credential.tenantShare, 1);
    return state;
  }

  #newCredential(id: string): CredentialState {
    const credential = new CredentialState(id);
    this.#credentials.set(id, credential);
    return credential;
  }

  #dropLeastRecent(credential: CredentialState): void {
    const oldest = credential.tenants.oldest;
    if (oldest) this.#drop(oldest);
  }

  /** Forgets a tenant and gives back its shares of the bounds; a credential left with nothing is forgotten too. */
  #drop(state: TenantState): void {
    const { credential } = state;
    this.#tenants.delete(state.tenant);
    this.#forgetJournal(state);
    credential.tenants.remove(state);
    this.#tenantShares.add(credential.tenantShare, -1);
    if (credential.tenantShare.amount === 0) this.#credentials.delete(credential.id);
    if (this.#newest === state) this.#newest = undefined;
  }

  #forgetJournal(state: TenantState): void {
    const entries = state.journalCount;
    const bytes = state.journalBytes;
    for (let slot = state.journalOldest; slot !== NO_ENTRY; ) {
      const newer = this.#arena.newerOf(slot);
      this.#arena.remove(slot);
      slot = newer;
    }
    this.#journalEntries -= entries;
    this.#journalBytes -= bytes;
    const { credential } = state;
    if (entries > 0) this.#entryShares.add(credential.entryShare, -entries);
    if (bytes > 0) this.#byteShares.add(credential.byteShare, -bytes);
    if (state.recording) credential.recordings.remove(state.recording);
    state.journalOldest = NO_ENTRY;
    state.journalNewest = NO_ENTRY;
    state.journalCount = 0;
    state.journalBytes = 0;
  }

  /** Drops the tenant's oldest entry and returns what it weighed; the caller gives back its credential's shares. */
  #dropOldestEntry(state: TenantState): number {
    const slot = state.journalOldest;
    const bytes = this.#arena.weightOf(slot);
    state.journalOldest = this.#arena.newerOf(slot);
    if (state.journalOldest === NO_ENTRY) state.journalNewest = NO_ENTRY;
    this.#arena.remove(slot);
    state.journalCount -= 1;
    state.journalBytes -= bytes;
    this.#journalEntries -= 1;
    this.#journalBytes -= bytes;
    return bytes;
  }

  #reading(state: Pick<TenantState, 'clockStart' | 'advancedMs'>): ClockReading {
    return readingOf({ start: state.clockStart, advancedMs: state.advancedMs }, this.#clockMode, this.#now());
  }

  // The calls' own steps (transact, takePin, nextInSequence, errorRate, record) answer at once: a
  // call in memory makes no promise (docs/performance.md#a-call-in-memory-makes-no-promise).
  transact(tenant: string, decide: (changes: TenantChanges, clock: ClockReading) => Decision): Decision {
    const state = this.#state(tenant);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const advanced = state.advancedMs;
      const decision = decide(state.changes, this.#reading(state));
      // Only a decision that moved the clock itself can see it move (one thread): it is made again at the new time, as on Redis.
      if (state.advancedMs !== advanced) continue;
      // A success without a change (a read) writes nothing.
      if (decision.accepted && decision.change !== undefined) {
        if (state.changes === NO_CHANGES) state.changes = emptyChanges();
        applyChange(state.changes, decision.change);
      }
      return decision;
    }
    throw new Error(`tenant ${tenant}: too many clock moves while deciding`);
  }

  changes(tenant: string): Promise<TenantChanges> {
    return Promise.resolve(this.#held(tenant)?.changes ?? NO_CHANGES);
  }

  reset(tenant: string): Promise<void> {
    const state = this.#state(tenant);
    state.changes = NO_CHANGES;
    state.pin = undefined;
    state.sequences = undefined;
    state.advancedMs = 0;
    return Promise.resolve();
  }

  clock(tenant: string): Promise<ClockReading> {
    const state = this.#held(tenant);
    return Promise.resolve(state ? this.#reading(state) : this.#freshReading());
  }

  moveClock(tenant: string, plan: (reading: ClockReading) => ClockPlan): Promise<ClockReading | { readonly problem: string }> {
    const state = this.#state(tenant);
    const planned = plan(this.#reading(state));
    if ('problem' in planned) return Promise.resolve(planned);
    state.advancedMs = planned.advancedMs;
    return Promise.resolve(this.#reading(state));
  }

  pin(tenant: string): Promise<Pin | undefined> {
    return Promise.resolve(this.#held(tenant)?.pin);
  }

  setPin(tenant: string, pin: Pin | undefined): Promise<void> {
    this.#state(tenant).pin = pin;
    return Promise.resolve();
  }

  takePin(tenant: string, applies: (pin: Pin) => boolean): Pin | undefined {
    const state = this.#state(tenant);
    const pin = state.pin;
    if (!pin || !applies(pin)) return undefined;
    if (pin.remaining !== undefined) state.pin = pin.remaining > 1 ? { ...pin, remaining: pin.remaining - 1 } : undefined;
    return pin;
  }

  nextInSequence(tenant: string, scenario: string): number {
    const state = this.#state(tenant);
    const sequences = (state.sequences ??= new Map<string, number>());
    const position = sequences.get(scenario) ?? 0;
    sequences.set(scenario, position + 1);
    return position;
  }

  errorRate(tenant: string): ErrorRate | undefined {
    return this.#held(tenant)?.errorRate;
  }

  setErrorRate(tenant: string, errorRate: ErrorRate | undefined): Promise<void> {
    this.#state(tenant).errorRate = errorRate;
    return Promise.resolve();
  }

  record(tenant: string, call: RecordedCall): void {
    this.#keep(tenant, call, null);
  }

  recordAsReceived(tenant: string, call: RecordedCall, showHeaders: ShowHeaders): void {
    this.#keep(tenant, call, showHeaders);
  }

  #keep(tenant: string, call: RecordedCall, showHeaders: ShowHeaders | null): void {
    const state = this.#state(tenant);
    // The tenant's time at the call (in real mode, the call's own wall time plus the advance).
    const tenantAt = tenantTime({ start: state.clockStart, advancedMs: state.advancedMs }, this.#clockMode, call.at);
    // Kept as numbers, nothing for the collector: docs/performance.md#the-request-history-is-kept-as-numbers
    const slot = this.#arena.add(call, tenantAt, showHeaders ? this.#showIndexOf(showHeaders) : 0, state.journalNewest);
    if (state.journalOldest === NO_ENTRY) state.journalOldest = slot;
    state.journalNewest = slot;
    state.journalCount += 1;
    const bytes = this.#arena.weightOf(slot);
    state.journalBytes += bytes;
    this.#journalEntries += 1;
    this.#journalBytes += bytes;
    // A full journal loses its own oldest entry.
    const overwritten = state.journalCount > this.options.journalSize ? this.#dropOldestEntry(state) : undefined;
    const { credential } = state;
    credential.recordings.touch((state.recording ??= { state, newer: undefined, older: undefined }));
    this.#entryShares.add(credential.entryShare, overwritten === undefined ? 1 : 0);
    this.#byteShares.add(credential.byteShare, bytes - (overwritten ?? 0));
    this.#keepJournalTotal();
    const key = answerKey(call);
    if (key) {
      const coverage = (state.coverage ??= new Map<string, number>());
      coverage.set(key, (coverage.get(key) ?? 0) + 1);
    }
  }

  /**
   * Past the total (or the memory budget), the credential holding the most entries (or bytes)
   * loses the oldest entry of its least recently recording tenant, until the journals fit.
   */
  #keepJournalTotal(): void {
    const total = this.options.journalTotal ?? Number.POSITIVE_INFINITY;
    const budget = this.options.journalMemoryBytes ?? Number.POSITIVE_INFINITY;
    while (this.#journalEntries > total || this.#journalBytes > budget) {
      const fullest = this.#journalEntries > total ? this.#entryShares.biggest?.holder : this.#byteShares.biggest?.holder;
      const oldest = fullest?.recordings.oldest?.state;
      if (!fullest || !oldest || oldest.journalCount === 0) break;
      const bytes = this.#dropOldestEntry(oldest);
      this.#entryShares.add(fullest.entryShare, -1);
      this.#byteShares.add(fullest.byteShare, -bytes);
      if (oldest.journalCount === 0 && oldest.recording) fullest.recordings.remove(oldest.recording);
    }
  }

  /** The index an entry keeps for how its headers are shown (a handful: one per journaled operation). */
  #showIndexOf(showHeaders: ShowHeaders): number {
    let index = this.#showIndex.get(showHeaders);
    if (index === undefined) {
      index = this.#shows.push(showHeaders) - 1;
      this.#showIndex.set(showHeaders, index);
    }
    return index;
  }

  coverage(tenant: string): Promise<ReadonlyMap<string, number>> {
    return Promise.resolve(new Map(this.#held(tenant)?.coverage ?? []));
  }

  clearCoverage(tenant: string): Promise<void> {
    this.#state(tenant).coverage = undefined;
    return Promise.resolve();
  }

  journal(tenant: string, filter: JournalFilter = {}): Promise<JournalPage | undefined> {
    const page = selectCalls(this.#newestFirst(this.#held(tenant)), filter);
    // Only what is shown is made into entries (a time as text each).
    return Promise.resolve(page && { total: page.total, requests: page.selected.map(journalEntryOf) });
  }

  /** The tenant's journal, decoded, newest first. */
  #newestFirst(state: TenantState | undefined): StoredCall[] {
    const calls: StoredCall[] = [];
    for (let slot = state?.journalOldest ?? NO_ENTRY; slot !== NO_ENTRY; slot = this.#arena.newerOf(slot)) {
      const { call, tenantAt, shown } = this.#arena.read(slot);
      calls.push({ call, tenantAt, showHeaders: this.#shows[shown] ?? null });
    }
    return calls.reverse();
  }

  clearJournal(tenant: string): Promise<void> {
    this.#forgetJournal(this.#state(tenant));
    return Promise.resolve();
  }

  saveToken(token: string, identity: Identity, ttlSeconds: number): Promise<void> {
    // Bounded like tenants: past the limit the oldest token goes (the Map keeps insertion order).
    if (this.#tokens.size >= MAX_TOKENS) {
      const oldest = this.#tokens.keys().next().value;
      if (oldest !== undefined) this.#tokens.delete(oldest);
    }
    this.#tokens.set(token, { identity, expiresAt: this.#now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  tokenIdentity(token: string): Promise<Identity | undefined> {
    const entry = this.#tokens.get(token);
    if (entry && entry.expiresAt <= this.#now()) this.#tokens.delete(token);
    return Promise.resolve(entry && entry.expiresAt > this.#now() ? entry.identity : undefined);
  }

  tenants(): Promise<readonly TenantSummary[]> {
    this.sweep();
    const now = this.#now();
    return Promise.resolve(
      [...this.#tenants]
        .reverse()
        .map(([tenant, state]) => ({
          tenant,
          changes: changeCount(state.changes),
          journal: state.journalCount,
          pinned: state.pin !== undefined,
          idleSeconds: Math.round((now - state.lastUsed) / 1000),
        })),
    );
  }

  tenantCount(): Promise<number> {
    this.sweep();
    return Promise.resolve(this.#tenants.size);
  }

  forget(tenant: string): Promise<boolean> {
    const state = this.#live(tenant, this.#now());
    if (state) this.#drop(state);
    return Promise.resolve(state !== undefined);
  }

  forgetAll(): Promise<number> {
    this.sweep();
    const count = this.#tenants.size;
    this.#tenants.clear();
    this.#credentials.clear();
    this.#tenantShares.clear();
    this.#entryShares.clear();
    this.#byteShares.clear();
    this.#arena.clear();
    this.#journalEntries = 0;
    this.#journalBytes = 0;
    this.#newest = undefined;
    return Promise.resolve(count);
  }

  /** Memory is always there. */
  readiness(): Readiness {
    return { ready: true };
  }

  /** Nothing to reach: no error is the memory's absence. */
  unavailableError(): StoreUnavailableError | undefined {
    return undefined;
  }

  close(): Promise<void> {
    clearInterval(this.#sweeper);
    return Promise.resolve();
  }
}
