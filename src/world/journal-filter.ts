import type { JournalEntry, JournalFilter } from './journal-store.js';

/** What a filter reads of a call, in either form a store keeps it. */
type Filterable = Pick<JournalEntry, 'requestId' | 'operationId' | 'method' | 'status' | 'code' | 'scenario'>;

/**
 * Selects from a history held newest first: both stores filter their bounded journal (at most
 * --journal-size calls) in the process with this one function, so they select alike.
 * `timeOf` reads a call's time in the form the store keeps it. Undefined when `since` names a
 * request the history does not hold: "no calls after it" would be a guess.
 */
export function selectCalls<T extends Filterable>(
  newestFirst: readonly T[],
  filter: JournalFilter,
  timeOf: (call: T) => number,
): { readonly total: number; readonly selected: readonly T[] } | undefined {
  let candidates = newestFirst;
  const since = filter.since;
  if (since && 'requestId' in since) {
    const position = newestFirst.findIndex((call) => call.requestId === since.requestId);
    if (position < 0) return undefined;
    candidates = newestFirst.slice(0, position);
  }
  const sinceTime = since && 'time' in since ? since.time : undefined;
  const matching = candidates.filter(
    (call) =>
      (filter.operationId === undefined || call.operationId === filter.operationId) &&
      (filter.method === undefined || call.method === filter.method) &&
      (filter.status === undefined || call.status === filter.status) &&
      (filter.code === undefined || call.code === filter.code) &&
      (filter.scenario === undefined || call.scenario === filter.scenario) &&
      (sinceTime === undefined || timeOf(call) >= sinceTime),
  );
  return { total: matching.length, selected: filter.limit === undefined ? matching : matching.slice(0, filter.limit) };
}
