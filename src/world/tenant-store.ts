import type { Decision } from '../rules/decision.js';
import type { TenantChanges } from './tenant-changes.js';

/** A scenario pinned for a tenant: for all its operations or one, for N calls or until removed. */
export interface Pin {
  readonly scenario: string;
  readonly operationId?: string;
  /** Calls left; absent means until removed. */
  readonly remaining?: number;
}

/** One answered call, as the tenant's request history shows it. */
export interface JournalEntry {
  readonly time: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly operationId: string | null;
  readonly status: number;
  /** The envelope's error code; null for a success or a dropped connection. */
  readonly code: number | null;
  readonly scenario: string | null;
  readonly userAgent: string | null;
  readonly durationMs: number;
}

/**
 * Everything mutable of a tenant, behind one small async interface so that a Redis store can
 * take the memory store's place. Each method is atomic for its tenant.
 */
export interface TenantStore {
  /** Decides on the tenant's current changes and applies the decision's change, atomically. */
  transact(tenant: string, decide: (changes: TenantChanges) => Decision): Promise<Decision>;
  changes(tenant: string): Promise<TenantChanges>;
  /** Back to the seed world: changes, pin and sequence positions go; the journal stays. */
  reset(tenant: string): Promise<void>;

  pin(tenant: string): Promise<Pin | undefined>;
  setPin(tenant: string, pin: Pin | undefined): Promise<void>;
  /** The pin that applies to a call of this operation, counting the call against it. */
  takePin(tenant: string, applies: (pin: Pin) => boolean): Promise<Pin | undefined>;

  /** The position in a scenario's sequence for this call (0, 1, 2, …), advancing it. */
  nextInSequence(tenant: string, scenario: string): Promise<number>;

  record(tenant: string, entry: JournalEntry): Promise<void>;
  /** Newest first. */
  journal(tenant: string): Promise<readonly JournalEntry[]>;
  clearJournal(tenant: string): Promise<void>;
}
