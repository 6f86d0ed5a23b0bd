import type { ChangeReads, TenantChanges } from './tenant-changes.js';
import type { ClockReading } from './tenant-clock.js';
import type { RecordedCall } from './journal-store.js';
import type { WorldChange } from './model.js';

/**
 * A vendor call in one round trip to a shared store (docs/performance.md#a-call-on-redis-in-one-round-trip):
 * the call is decided on what this process last saw of its tenant (a guess), then one step
 * counts it against its API key's budget, checks the guess, makes its change and journals it.
 * A guess that no longer holds writes nothing (but the count) and becomes what the store saw,
 * to decide on again. The in-memory store has nothing to guess and offers none of this.
 */
export interface OneTripCalls {
  /**
   * What this process last saw of the tenant, with the members `reads` names, to decide on;
   * undefined when the tenant's pin or error rate are in force (their calls read and write in
   * steps: a pin's count, an error sequence's position).
   */
  guess(tenant: string, reads: ChangeReads | undefined): TenantGuess | undefined;
  /** The call's count, the guess's check, its change and its journal entry, in one step. */
  settle(tenant: string, settlement: Settlement): Promise<Settled>;
  /** Whether `settle` journals the entry it is given; else the call is journaled as its answer leaves. */
  readonly journalsCalls: boolean;
}

/** The tenant as a call decides on it before reading: its changes (of the reads) and its clock. */
export interface TenantGuess {
  readonly changes: TenantChanges;
  readonly clock: ClockReading;
  /** The clock as the store holds it, `<start>:<advance>`: checked unchanged when settling. */
  readonly clockText: string;
  /** For a tenant guessed new: when its clock starts, if the settlement starts it. */
  readonly startsAt: number | undefined;
  readonly reads: ChangeReads | undefined;
}

export interface Settlement {
  readonly guess: TenantGuess;
  /** Whether the call's answer assumed no pin (1) and no error rate too (2), or neither (0: a scenario forced by the request). */
  readonly assumed: 0 | 1 | 2;
  /** Whether the answer read the world (the guessed clock and members): else they are not checked. */
  readonly worldRead: boolean;
  /** The world's change the decision makes, if any. */
  readonly change: WorldChange | undefined;
  /** The count against the API key's budget (`key`: the API key), unless the call was counted already. */
  readonly count: { readonly key: string; readonly max: number } | undefined;
  /** The call's journal entry, unless the call is journaled otherwise (a delayed or dropped answer). */
  readonly entry: RecordedCall | undefined;
}

/** Counted and written; past the budget (nothing written; `ttlMs` to the window's end); or a guess that no longer held. */
export type Settled = { readonly kind: 'settled' } | { readonly kind: 'over-limit'; readonly max: number; readonly ttlMs: number } | { readonly kind: 'stale' };
