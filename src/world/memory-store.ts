import type { Identity } from '../auth/identity.js';
import type { Decision } from '../rules/decision.js';
import { NO_CHANGES, type OwnChanges, type TenantChanges, applyChange, changeCount, emptyChanges } from './tenant-changes.js';
import { Ring } from './ring.js';
import { RecencyList, type RecencyLinks } from './recency-list.js';
import { answerKey } from './coverage-store.js';
import { selectCalls } from './journal-filter.js';
import { journalEntryWeight } from './journal-weight.js';
import { type JournalFilter, type JournalPage, type RecordedCall, type StoredCall, journalEntryOf } from './journal-store.js';
import { type ClockMode, type ClockPlan, type ClockReading, DEFAULT_CLOCK_MODE, readingOf, tenantTime } from './tenant-clock.js';
import type { Pin } from './pin-store.js';
import type { Readiness, StoreUnavailableError } from './store-health.js';
import type { TenantSummary } from './tenant-directory.js';
import type { TenantStore } from './tenant-store.js';

/** newer and older: the tenant's place among those with journal entries, in order of their latest record. */
interface TenantState extends RecencyLinks<TenantState> {
  /** NO_CHANGES (shared) until the tenant's first change, then its own sets, changed in place. */
  changes: TenantChanges | OwnChanges;
  pin: Pin | undefined;
  /** Made on first use: most tenants never run a sequence. */
  sequences: Map<string, number> | undefined;
  /** Made on first record; bounded per tenant, and by the store's total and memory budget across tenants. */
  journal: Ring<WeighedCall> | undefined;
  /** The estimated bytes of the tenant's journal entries (journal-weight.ts). */
  journalBytes: number;
  coverage: Map<string, number> | undefined;
  lastUsed: number;
  /** The tenant's clock (tenant-clock.ts): started at its first call, forgotten with it. */
  readonly clockStart: number;
  advancedMs: number;
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

/** A stored call with its estimated size, computed once when recorded. */
interface WeighedCall extends StoredCall {
  readonly bytes: number;
}

export interface MemoryStoreOptions {
  readonly journalSize: number;
  /** Journal entries kept across all tenants; default: unbounded beyond journalSize per tenant. */
  readonly journalTotal?: number;
  /** The estimated bytes (journal-weight.ts) of journal entries kept across all tenants; default: unbounded. */
  readonly journalMemoryBytes?: number;
  /** A tenant unused this long is forgotten. */
  readonly idleMs: number;
  readonly maxTenants: number;
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
 * shows it; the sweep gives its memory back), and past `maxTenants` the least recently used goes,
 * keeping memory flat.
 * Journals are bounded per tenant and together: past `journalTotal` entries or `journalMemoryBytes`
 * (each entry weighed by an estimate of its size), the oldest entries of the tenant that recorded
 * least recently go first.
 */
export class MemoryStore implements TenantStore {
  readonly #tenants = new Map<string, TenantState>();
  readonly #tokens = new Map<string, { identity: Identity; expiresAt: number }>();
  readonly #now: () => number;
  readonly #clockMode: ClockMode;
  readonly #sweeper: NodeJS.Timeout;
  /** Tenants with journal entries, in order of their latest record (least recent first). */
  readonly #journaled = new RecencyList<TenantState>();
  #journalEntries = 0;
  #journalBytes = 0;
  /** The tenant used last: a call touches its tenant several times, one reorder is enough. */
  #newest: TenantState | undefined;

  constructor(private readonly options: MemoryStoreOptions) {
    this.#now = options.now ?? Date.now;
    this.#clockMode = options.clock ?? DEFAULT_CLOCK_MODE;
    this.#sweeper = setInterval(() => this.sweep(), Math.min(options.idleMs, SWEEP_EVERY_MS)).unref();
  }

  /** Gives back the memory of idle tenants and expired tokens; runs by itself every few seconds. */
  sweep(): void {
    const now = this.#now();
    for (const [tenant, state] of this.#tenants) {
      // In order of use: the first tenant still in use ends the sweep.
      if (!this.#idle(state, now)) break;
      this.#drop(tenant, state);
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
      this.#drop(tenant, state);
      return undefined;
    }
    return state;
  }

  #state(tenant: string): TenantState {
    const now = this.#now();
    let state = this.#live(tenant, now);
    if (state && state === this.#newest) {
      state.lastUsed = now;
      return state;
    }
    if (state) {
      this.#tenants.delete(tenant);
    } else {
      state = { changes: NO_CHANGES, pin: undefined, sequences: undefined, journal: undefined, journalBytes: 0, coverage: undefined, lastUsed: 0, clockStart: this.#now(), advancedMs: 0, newer: undefined, older: undefined };
      if (this.#tenants.size >= this.options.maxTenants) {
        const [leastRecent, itsState] = this.#tenants.entries().next().value ?? [];
        if (leastRecent !== undefined && itsState) this.#drop(leastRecent, itsState);
      }
    }
    state.lastUsed = now;
    this.#tenants.set(tenant, state);
    this.#newest = state;
    return state;
  }

  /** Forgets a tenant and gives back its share of the journal total. */
  #drop(tenant: string, state: TenantState): void {
    this.#tenants.delete(tenant);
    this.#forgetJournal(state);
    if (this.#newest === state) this.#newest = undefined;
  }

  #forgetJournal(state: TenantState): void {
    this.#journalEntries -= state.journal?.size ?? 0;
    this.#journalBytes -= state.journalBytes;
    state.journal = undefined;
    state.journalBytes = 0;
    this.#journaled.remove(state);
  }

  #reading(state: TenantState): ClockReading {
    return readingOf({ start: state.clockStart, advancedMs: state.advancedMs }, this.#clockMode, this.#now());
  }

  transact(tenant: string, decide: (changes: TenantChanges, clock: ClockReading) => Decision): Promise<Decision> {
    const state = this.#state(tenant);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const advanced = state.advancedMs;
      const decision = decide(state.changes, this.#reading(state));
      // Only a decision that moved the clock itself can see it move (one thread): it is made again at the new time, as on Redis.
      if (state.advancedMs !== advanced) continue;
      if (decision.accepted) {
        if (state.changes === NO_CHANGES) state.changes = emptyChanges();
        applyChange(state.changes, decision.change);
      }
      return Promise.resolve(decision);
    }
    return Promise.reject(new Error(`tenant ${tenant}: too many clock moves while deciding`));
  }

  changes(tenant: string): Promise<TenantChanges> {
    return Promise.resolve(this.#state(tenant).changes);
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
    return Promise.resolve(this.#reading(this.#state(tenant)));
  }

  moveClock(tenant: string, plan: (reading: ClockReading) => ClockPlan): Promise<ClockReading | { readonly problem: string }> {
    const state = this.#state(tenant);
    const planned = plan(this.#reading(state));
    if ('problem' in planned) return Promise.resolve(planned);
    state.advancedMs = planned.advancedMs;
    return Promise.resolve(this.#reading(state));
  }

  pin(tenant: string): Promise<Pin | undefined> {
    return Promise.resolve(this.#state(tenant).pin);
  }

  setPin(tenant: string, pin: Pin | undefined): Promise<void> {
    this.#state(tenant).pin = pin;
    return Promise.resolve();
  }

  takePin(tenant: string, applies: (pin: Pin) => boolean): Promise<Pin | undefined> {
    const state = this.#state(tenant);
    const pin = state.pin;
    if (!pin || !applies(pin)) return Promise.resolve(undefined);
    if (pin.remaining !== undefined) state.pin = pin.remaining > 1 ? { ...pin, remaining: pin.remaining - 1 } : undefined;
    return Promise.resolve(pin);
  }

  nextInSequence(tenant: string, scenario: string): Promise<number> {
    const state = this.#state(tenant);
    const sequences = (state.sequences ??= new Map<string, number>());
    const position = sequences.get(scenario) ?? 0;
    sequences.set(scenario, position + 1);
    return Promise.resolve(position);
  }

  record(tenant: string, call: RecordedCall): Promise<void> {
    const state = this.#state(tenant);
    const journal = (state.journal ??= new Ring(this.options.journalSize));
    // The tenant's time at the call (in real mode, the call's own wall time plus the advance).
    const tenantAt = tenantTime({ start: state.clockStart, advancedMs: state.advancedMs }, this.#clockMode, call.at);
    // The call is kept as the HTTP layer made it, beside its tenant time: a copy with one more field would cost far more.
    const bytes = journalEntryWeight(call);
    const overwritten = journal.push({ call, tenantAt, bytes });
    if (overwritten) this.#journalBytes -= overwritten.bytes;
    else this.#journalEntries += 1;
    state.journalBytes += bytes - (overwritten?.bytes ?? 0);
    this.#journalBytes += bytes;
    this.#journaled.touch(state);
    this.#keepJournalTotal();
    const key = answerKey(call);
    if (key) {
      const coverage = (state.coverage ??= new Map<string, number>());
      coverage.set(key, (coverage.get(key) ?? 0) + 1);
    }
    return Promise.resolve();
  }

  /** Past the total or the memory budget, the oldest entries of the least recently recording tenants go. */
  #keepJournalTotal(): void {
    const total = this.options.journalTotal ?? Number.POSITIVE_INFINITY;
    const budget = this.options.journalMemoryBytes ?? Number.POSITIVE_INFINITY;
    while (this.#journalEntries > total || this.#journalBytes > budget) {
      const oldest = this.#journaled.oldest;
      const dropped = oldest?.journal?.dropOldest();
      if (!oldest || !dropped) break;
      this.#journalEntries -= 1;
      this.#journalBytes -= dropped.bytes;
      oldest.journalBytes -= dropped.bytes;
      if (oldest.journal?.size === 0) this.#forgetJournal(oldest);
    }
  }

  coverage(tenant: string): Promise<ReadonlyMap<string, number>> {
    return Promise.resolve(new Map(this.#state(tenant).coverage ?? []));
  }

  clearCoverage(tenant: string): Promise<void> {
    this.#state(tenant).coverage = undefined;
    return Promise.resolve();
  }

  journal(tenant: string, filter: JournalFilter = {}): Promise<JournalPage | undefined> {
    const page = selectCalls(this.#state(tenant).journal?.newestFirst() ?? [], filter);
    // Only what is shown is made into entries (a time as text each).
    return Promise.resolve(page && { total: page.total, requests: page.selected.map(journalEntryOf) });
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
          journal: state.journal?.size ?? 0,
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
    if (state) this.#drop(tenant, state);
    return Promise.resolve(state !== undefined);
  }

  forgetAll(): Promise<number> {
    this.sweep();
    const count = this.#tenants.size;
    this.#tenants.clear();
    this.#journaled.clear();
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
