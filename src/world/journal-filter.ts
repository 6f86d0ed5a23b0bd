import type { JournalFilter, StoredCall } from './journal-store.js';

/**
 * Selects from a history held newest first: both stores filter their bounded journal (at most
 * --journal-size calls) in the process with this one function, so they select alike.
 * Undefined when `since` names a request the history does not hold: "no calls after it" would
 * be a guess. `since` a time compares the wall time of the call.
 */
export function selectCalls(newestFirst: readonly StoredCall[], filter: JournalFilter): { readonly total: number; readonly selected: readonly StoredCall[] } | undefined {
  let candidates = newestFirst;
  const since = filter.since;
  if (since && 'requestId' in since) {
    const position = newestFirst.findIndex(({ call }) => call.requestId === since.requestId);
    if (position < 0) return undefined;
    candidates = newestFirst.slice(0, position);
  }
  const sinceTime = since && 'time' in since ? since.time : undefined;
  const matching = candidates.filter(
    ({ call }) =>
      (filter.operationId === undefined || call.operationId === filter.operationId) &&
      (filter.method === undefined || call.method === filter.method) &&
      (filter.status === undefined || call.status === filter.status) &&
      (filter.code === undefined || call.code === filter.code) &&
      (filter.scenario === undefined || call.scenario === filter.scenario) &&
      (sinceTime === undefined || call.at >= sinceTime),
  );
  return { total: matching.length, selected: filter.limit === undefined ? matching : matching.slice(0, filter.limit) };
}
