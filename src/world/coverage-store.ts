import type { JournalEntry } from './journal-store.js';

/**
 * How often a tenant got each documented answer, counted as its calls are recorded
 * (`JournalStore.record`), and kept when the journal is cleared or the tenant reset.
 */
export interface CoverageStore {
  /** `operationId code` → count. */
  coverage(tenant: string): Promise<ReadonlyMap<string, number>>;
  clearCoverage(tenant: string): Promise<void>;
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
