import { encodeCall, mostBytes } from './journal-codec.js';
import type { RecordedCall } from './journal-store.js';

/**
 * The memory one journal entry holds in the memory store (bytes), which it weighs against
 * `--journal-memory`: its record by slot (journal-arena.ts) and its text (journal-codec.ts), with
 * the quarter more the arena may keep free around it. For tests and tools: the arena knows its
 * entries' weight without encoding them again.
 * How it is kept: docs/performance.md#the-request-history-is-kept-as-numbers
 */
export function journalEntryWeight(call: RecordedCall): number {
  return weightOfBytes(encodeCall(call, new Uint8Array(mostBytes(call)), 0));
}

/** What an entry whose text takes `bytes` weighs. */
export function weightOfBytes(bytes: number): number {
  return ENTRY_FIXED_BYTES + Math.ceil(bytes * ROOM_FACTOR);
}

/** An entry's record by slot (journal-arena.ts), and its place in the free list (a few bytes more, not counted). */
const ENTRY_FIXED_BYTES = 64;
/** Its text, and a quarter more: the room the arena may keep free (it compacts past a fifth free). */
const ROOM_FACTOR = 1.25;
