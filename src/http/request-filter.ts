import type { JournalFilter } from '../world/journal-store.js';
import type { ValidValues } from '../contract/request-validator.js';

/**
 * The filters of `GET /__sandbox/requests`, as `startSandbox().requests(filter)` takes them:
 * every one given must match (the contract's listRequests parameters say what each means).
 */
export interface RequestFilter {
  readonly operationId?: string;
  readonly method?: string;
  readonly status?: number;
  readonly code?: number;
  readonly scenario?: string;
  /** An ISO-8601 time (or a Date): the calls at or after it; or a request id: the calls after that request. */
  readonly since?: string | Date;
  /** At most this many, the newest; `total` still counts them all. */
  readonly limit?: number;
}

/** The query string of a filter, for `GET /__sandbox/requests` (empty without one). */
export function requestFilterQuery(filter: RequestFilter): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filter) as [string, string | number | Date | undefined][]) {
    if (value !== undefined) query.set(name, value instanceof Date ? value.toISOString() : String(value));
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The store's filter from the parameters the contract validated (their types and formats are
 * checked already): a method in upper case, `since` as a time when it is one, else a request id.
 */
export function journalFilterOf(values: ValidValues): JournalFilter {
  const { operationId, method, status, code, scenario, since, limit } = values as RequestFilter & { since?: string };
  const time = since === undefined ? Number.NaN : Date.parse(since);
  return {
    ...(operationId === undefined ? {} : { operationId }),
    ...(method === undefined ? {} : { method: method.toUpperCase() }),
    ...(status === undefined ? {} : { status }),
    ...(code === undefined ? {} : { code }),
    ...(scenario === undefined ? {} : { scenario }),
    ...(since === undefined ? {} : { since: Number.isNaN(time) ? { requestId: since } : { time } }),
    ...(limit === undefined ? {} : { limit }),
  };
}
