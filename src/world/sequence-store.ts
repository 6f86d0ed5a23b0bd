import type { Awaitable } from '../awaitable.js';

/** Where a tenant is in each scenario that answers a sequence of codes (500, 500, then 200). */
export interface SequenceStore {
  /** The position in a scenario's sequence for this call (0, 1, 2, …), advancing it. */
  nextInSequence(tenant: string, scenario: string): Awaitable<number>;
}
