import type { Awaitable } from '../awaitable.js';
/** A header or query value as Node received it: a repeated name gives a list. */
export type ReceivedValue = string | readonly string[];

/** One answered call, as the tenant's request history shows it. */
export interface JournalEntry {
  /** The wall time of the call. */
  readonly time: string;
  /** The tenant's time at the call (its clock, tenant-clock.ts). */
  readonly tenantTime: string;
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
  /** The query parameters as received (a name given twice: a list), up to the value caps (src/http/journal.ts). */
  readonly query: Readonly<Record<string, ReceivedValue>>;
  /** True when the query had more values, or longer ones, than the caps and `query` is its beginning. */
  readonly queryTruncated: boolean;
  /** The request headers, names in lower case, credentials replaced by `[redacted]`, up to the value caps. */
  readonly headers: Readonly<Record<string, ReceivedValue>>;
  /** True when the headers had more values, or longer ones, than the caps and `headers` is their beginning. */
  readonly headersTruncated: boolean;
  /** The body as the client sent it, as text, up to the body cap; null when it sent no bytes. */
  readonly body: string | null;
  /** True when the body was longer than the cap and `body` is its beginning. */
  readonly bodyTruncated: boolean;
}

/** A call as the HTTP layer records it: the time as a number, made into text only when read. */
export type RecordedCall = Omit<JournalEntry, 'time' | 'tenantTime'> & { readonly at: number };

/** How the HTTP layer shows headers it recorded as received: credentials `[redacted]` (src/http/journal.ts). */
export type ShowHeaders = (received: Readonly<Record<string, ReceivedValue>>) => Readonly<Record<string, ReceivedValue>>;

/** A call as a store keeps it: with the tenant's time at the call (ms), which the store knows. */
export interface StoredCall {
  readonly call: RecordedCall;
  readonly tenantAt: number;
  /** Set when the call's headers were kept as received (`recordAsReceived`): how they are shown. */
  readonly showHeaders?: ShowHeaders | null;
}

/** The journal's view of a stored call. */
export function journalEntryOf({ call: { at, ...call }, tenantAt, showHeaders }: StoredCall): JournalEntry {
  const time = new Date(at).toISOString();
  const tenantTime = new Date(tenantAt).toISOString();
  return showHeaders ? { time, tenantTime, ...call, headers: showHeaders(call.headers) } : { time, tenantTime, ...call };
}

/** Which calls of the history to show; every field given must match. */
export interface JournalFilter {
  readonly operationId?: string;
  /** In upper case. */
  readonly method?: string;
  readonly status?: number;
  readonly code?: number;
  readonly scenario?: string;
  /** Calls at or after this time (ms since the epoch), or the calls made after this request. */
  readonly since?: { readonly time: number } | { readonly requestId: string };
  /** At most this many, the newest; `total` still counts them all. */
  readonly limit?: number;
}

/** What a filter selects: the newest first, and how many matched before the limit. */
export interface JournalPage {
  readonly total: number;
  readonly requests: readonly JournalEntry[];
}

/** A tenant's request history, bounded to the store's journal size. */
export interface JournalStore {
  /**
   * Journals a call, with the tenant's time then, and counts its answer for coverage (a dropped
   * connection counts nothing): one write, so that what coverage counts is what the journal showed.
   */
  record(tenant: string, call: RecordedCall): Awaitable<void>;
  /**
   * Only a store that keeps calls in this process has it (memory): journals a call whose headers
   * and query are the request's own objects, within the caps, its credentials not yet redacted;
   * its headers are shown through `showHeaders` when read. Recording then makes no copy of them
   * and tests no value, and a credential still never shows, nor leaves the process.
   * Shaped for speed: docs/performance.md#a-call-is-recorded-as-received
   */
  recordAsReceived?(tenant: string, call: RecordedCall, showHeaders: ShowHeaders): void;
  /**
   * The calls the filter selects, newest first; undefined when `since` names a request the
   * history does not hold (never made by this tenant, or gone past the journal size).
   */
  journal(tenant: string, filter?: JournalFilter): Promise<JournalPage | undefined>;
  /** Coverage stays. */
  clearJournal(tenant: string): Promise<void>;
}
