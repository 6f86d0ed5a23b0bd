import type { ReceivedValue, RecordedCall } from './journal-store.js';

/**
 * An estimate, not a measure, of the memory one journal entry holds in the process (bytes): what
 * the memory store weighs against `--journal-memory`. V8 gives no size of an object, and measuring
 * one would cost more than the entry; so the estimate counts the entry's text (two bytes a
 * character, as V8 stores any text that is not Latin-1: never below the real cost of the text) and
 * a fixed overhead per entry and per property or list item (objects, pointers, hash slots),
 * calibrated on the RSS of the built command holding entries of both kinds, ordinary and crafted
 * (bench/journal-memory.ts, docs/hosting.md). It grows with every length it counts.
 */
export function journalEntryWeight(call: RecordedCall): number {
  return ENTRY_OVERHEAD + textWeight(call.path) + textWeight(call.requestId) + textWeight(call.userAgent ?? '') + textWeight(call.body ?? '') + valuesWeight(call.query) + valuesWeight(call.headers);
}

/** The entry, its wrapper, its fixed fields, the strings they point to past their text, and its share of the heap V8 keeps around live objects (measured: an ordinary call takes ~5.5 KiB of RSS). */
const ENTRY_OVERHEAD = 4096;
/** A property of the query or headers object (its slot, key and value pointers, a string's header). */
const PROPERTY_OVERHEAD = 64;
const BYTES_PER_CHARACTER = 2;

function textWeight(text: string): number {
  return text.length * BYTES_PER_CHARACTER;
}

function valuesWeight(values: Readonly<Record<string, ReceivedValue>>): number {
  let weight = 0;
  for (const name in values) {
    const value = values[name] ?? '';
    weight += PROPERTY_OVERHEAD + textWeight(name);
    if (typeof value === 'string') weight += textWeight(value);
    else for (const item of value) weight += PROPERTY_OVERHEAD + textWeight(item);
  }
  return weight;
}
