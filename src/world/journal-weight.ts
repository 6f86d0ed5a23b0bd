import { encodedUnits } from './journal-codec.js';
import type { RecordedCall } from './journal-store.js';

/**
 * The memory one journal entry holds in the memory store (bytes), which it weighs against
 * `--journal-memory`: its fields by slot (journal-arena.ts) and its text as UTF-16 units
 * (journal-codec.ts), with the quarter more the arena may keep free around them.
 * How it is kept: docs/performance.md#the-request-history-is-kept-as-numbers
 */
export function journalEntryWeight(call: RecordedCall): number {
  return weightOfUnits(encodedUnits(call));
}

/** What an entry of `units` units of text weighs. */
export function weightOfUnits(units: number): number {
  return ENTRY_FIXED_BYTES + Math.ceil(units * BYTES_PER_UNIT);
}

/** An entry's record by slot (journal-arena.ts), and its place in the free list (a few bytes more, not counted). */
const ENTRY_FIXED_BYTES = 64;
/** Two bytes a UTF-16 unit, and a quarter more: the room the arena may keep free (it compacts past a fifth free). */
const BYTES_PER_UNIT = 2.5;
