import type { ReceivedValue, RecordedCall } from './journal-store.js';

/**
 * An estimate, not a measure, of the memory one journal entry holds (bytes), which the memory
 * store weighs against `--journal-memory`: it grows with every length it counts.
 * How it is calibrated: docs/performance.md#journal-entries-weighed-by-an-estimate
 */
export function journalEntryWeight(call: RecordedCall): number {
  return ENTRY_OVERHEAD + textWeight(call.path) + textWeight(call.requestId) + textWeight(call.userAgent ?? '') + textWeight(call.body ?? '') + valuesWeight(call.query) + valuesWeight(call.headers);
}

/** The entry, its wrapper, its fixed fields and its share of the heap around live objects (calibrated on RSS). */
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
