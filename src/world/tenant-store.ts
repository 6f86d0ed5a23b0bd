import type { Identity } from '../auth/identity.js';
import type { Decision } from '../rules/decision.js';
import type { ChangeReads, TenantChanges } from './tenant-changes.js';

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

/** A call as the HTTP layer records it: the time as a number, made into text only when read. */
export type RecordedCall = Omit<JournalEntry, 'time'> & { readonly at: number };

/** The journal's view of a recorded call. */
export function journalEntryOf({ at, ...call }: RecordedCall): JournalEntry {
  return { time: new Date(at).toISOString(), ...call };
}

/**
 * Everything mutable of a tenant, behind one small async interface so that a Redis store can
 * take the memory store's place. Each method is atomic for its tenant.
 */
export interface TenantStore {
  /**
   * Decides on the tenant's current changes and applies the decision's change, atomically.
   * `reads` names the changes the decision can look at; a store may read only those (Redis
   * does, so a call costs the same however many changes the tenant made).
   */
  transact(tenant: string, decide: (changes: TenantChanges) => Decision, reads?: ChangeReads): Promise<Decision>;
  changes(tenant: string): Promise<TenantChanges>;
  /** Back to the seed world: changes, pin and sequence positions go; the journal stays. */
  reset(tenant: string): Promise<void>;

  pin(tenant: string): Promise<Pin | undefined>;
  setPin(tenant: string, pin: Pin | undefined): Promise<void>;
  /** The pin that applies to a call of this operation, counting the call against it. */
  takePin(tenant: string, applies: (pin: Pin) => boolean): Promise<Pin | undefined>;

  /** The position in a scenario's sequence for this call (0, 1, 2, …), advancing it. */
  nextInSequence(tenant: string, scenario: string): Promise<number>;

  /** Journals a call and counts its answer for coverage (a dropped connection counts nothing). */
  record(tenant: string, call: RecordedCall): Promise<void>;
  /** How often this tenant got each answer: `operationId code` → count. A reset keeps it. */
  coverage(tenant: string): Promise<ReadonlyMap<string, number>>;
  clearCoverage(tenant: string): Promise<void>;
  /** Newest first. */
  journal(tenant: string): Promise<readonly JournalEntry[]>;
  clearJournal(tenant: string): Promise<void>;

  /** Remembers an OAuth access token for its lifetime. */
  saveToken(token: string, identity: Identity, ttlSeconds: number): Promise<void>;
  /** The identity of a live token; undefined when unknown or expired. */
  tokenIdentity(token: string): Promise<Identity | undefined>;

  /** For operators: every tenant with its size, most recently used first. */
  tenants(): Promise<readonly TenantSummary[]>;
  /** For operators: forgets a tenant entirely (world, pin, sequences, journal). */
  forget(tenant: string): Promise<boolean>;
  forgetAll(): Promise<number>;

  /** Whether the store can serve now (a Redis store says why not). */
  readiness(): { readonly ready: true } | { readonly ready: false; readonly reason: string };
  close(): Promise<void>;
}


export interface TenantSummary {
  readonly tenant: string;
  readonly changes: number;
  readonly journal: number;
  readonly pinned: boolean;
  readonly idleSeconds: number;
}

const coverageKeys = new Map<string, Map<number, string>>();

/**
 * How coverage counts are keyed: an operation and a code (the HTTP status of a success). Each key
 * is made once and shared: every tenant's every call looks one up.
 */
export function coverageKey(operationId: string, code: number): string {
  let byCode = coverageKeys.get(operationId);
  if (byCode === undefined) coverageKeys.set(operationId, (byCode = new Map<number, string>()));
  let key = byCode.get(code);
  if (key === undefined) byCode.set(code, (key = `${operationId} ${code}`));
  return key;
}

/** The coverage key of an answered call; none for a dropped connection. */
export function answerKey(entry: Pick<JournalEntry, 'operationId' | 'code' | 'status'>): string | undefined {
  if (entry.operationId === null || entry.status === 0) return undefined;
  return coverageKey(entry.operationId, entry.code ?? entry.status);
}

/**
 * Whether an error is a lost or refused connection to a store (ioredis's messages and codes), as
 * opposed to a fault of the sandbox: such a call gets 503, even when the connection is already
 * back by the time the error arrives.
 */
export function isStoreConnectionError(error: unknown): boolean {
  const { name, message, code } = error as { name?: string; message?: string; code?: string };
  return (
    name === 'MaxRetriesPerRequestError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code ?? '') ||
    /Connection is closed|Stream isn't writeable|Connection lost|max retries per request/i.test(message ?? '')
  );
}

/** The store cannot be reached; the answer is 503 and nothing was written. */
export class StoreUnavailableError extends Error {
  readonly statusCode = 503;
  constructor(reason: string) {
    super(reason);
    this.name = 'StoreUnavailableError';
  }
}
