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

/** A tenant's request history, bounded to the store's journal size. */
export interface JournalStore {
  /**
   * Journals a call and counts its answer for coverage (a dropped connection counts nothing):
   * one write, so that what coverage counts is what the journal showed.
   */
  record(tenant: string, call: RecordedCall): Promise<void>;
  /** Newest first. */
  journal(tenant: string): Promise<readonly JournalEntry[]>;
  /** Coverage stays. */
  clearJournal(tenant: string): Promise<void>;
}
