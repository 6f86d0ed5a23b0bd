import { endianness } from 'node:os';
import type { ReceivedValue, RecordedCall } from './journal-store.js';

/**
 * A recorded call's text (ids, path, body, query and headers) as UTF-16 code units, so that the
 * memory store keeps its history in one array of numbers (journal-arena.ts) and the collector
 * has no object of it to trace or move. Numbers (times, status, code) are kept beside, not here.
 * Each text is its length then its units; a missing one is NULL; a list of values is LIST, its
 * count, then its items; names and values are their count (two units) then each name and value.
 * A length past SHORT_LENGTH takes two units.
 * Why: docs/performance.md#the-request-history-is-kept-as-numbers
 */
const NULL = 0xffff;
const LIST = 0xfffe;
/** A length below it takes one unit; from it on, two (its high bits marked by LONG). */
const SHORT_LENGTH = 0x8000;
const LONG = 0x8000;
/** The longest text two units can say without meeting NULL or LIST. */
const LONGEST_TEXT = 0x7ffd_ffff;

/** The text fields of a call, in the order they are encoded. */
type TextFields = Pick<RecordedCall, 'requestId' | 'method' | 'path' | 'operationId' | 'scenario' | 'userAgent' | 'body' | 'query' | 'headers'>;

/** How many units a call's text takes (what encodeCall writes). */
export function encodedUnits(call: TextFields): number {
  return (
    textUnits(call.requestId) +
    textUnits(call.method) +
    textUnits(call.path) +
    textUnits(call.operationId) +
    textUnits(call.scenario) +
    textUnits(call.userAgent) +
    textUnits(call.body) +
    valuesUnits(call.query) +
    valuesUnits(call.headers)
  );
}

/** Writes the call's text at `at` (room for encodedUnits(call) there); returns where it ended. */
export function encodeCall(call: TextFields, units: Uint16Array, at: number): number {
  at = writeText(call.requestId, units, at);
  at = writeText(call.method, units, at);
  at = writeText(call.path, units, at);
  at = writeText(call.operationId, units, at);
  at = writeText(call.scenario, units, at);
  at = writeText(call.userAgent, units, at);
  at = writeText(call.body, units, at);
  at = writeValues(call.query, units, at);
  return writeValues(call.headers, units, at);
}

/** The call's text as encodeCall wrote it at `at`. */
export function decodeCall(units: Uint16Array, at: number): TextFields {
  const reader = { units, at };
  const requestId = readText(reader) ?? '';
  const method = readText(reader) ?? '';
  const path = readText(reader) ?? '';
  const operationId = readText(reader);
  const scenario = readText(reader);
  const userAgent = readText(reader);
  const body = readText(reader);
  const query = readValues(reader);
  const headers = readValues(reader);
  return { requestId, method, path, operationId, scenario, userAgent, body, query, headers };
}

function lengthUnits(length: number): number {
  if (length > LONGEST_TEXT) throw new RangeError(`a journal text of ${length} units is past the longest the history keeps`);
  return length < SHORT_LENGTH ? 1 : 2;
}

function textUnits(text: string | null): number {
  return text === null ? 1 : lengthUnits(text.length) + text.length;
}

function valuesUnits(values: Readonly<Record<string, ReceivedValue>>): number {
  let count = 0;
  let units = 0;
  for (const name in values) {
    const value = values[name] as ReceivedValue;
    count += 1;
    units += textUnits(name);
    if (typeof value === 'string') units += textUnits(value);
    else {
      units += 1 + lengthUnits(value.length);
      for (const item of value) units += textUnits(item);
    }
  }
  if (count > LONGEST_TEXT) throw new RangeError(`${count} names are past the most the history keeps`);
  return COUNT_UNITS + units;
}

function writeLength(length: number, units: Uint16Array, at: number): number {
  if (length < SHORT_LENGTH) {
    units[at] = length;
    return at + 1;
  }
  units[at] = LONG | (length >>> 16);
  units[at + 1] = length & 0xffff;
  return at + 2;
}

function writeText(text: string | null, units: Uint16Array, at: number): number {
  if (text === null) {
    units[at] = NULL;
    return at + 1;
  }
  const length = text.length;
  at = writeLength(length, units, at);
  if (length > COPIED_NATIVELY) bytesOf(units).write(text, at * 2, 'utf16le');
  else for (let index = 0; index < length; index += 1) units[at + index] = text.charCodeAt(index);
  return at + length;
}

/**
 * Past this length Node's own copy (one call into C++) is faster than copying unit by unit;
 * it writes little-endian units, as Uint16Array holds them only on a little-endian machine.
 */
const COPIED_NATIVELY = endianness() === "LE" ? 256 : Number.POSITIVE_INFINITY;
let viewed: Uint16Array | undefined;
let view: Buffer = Buffer.alloc(0);

/** The units' bytes as a Buffer, made again only when the arena's array changed. */
function bytesOf(units: Uint16Array): Buffer {
  if (units !== viewed) {
    view = Buffer.from(units.buffer, units.byteOffset, units.byteLength);
    viewed = units;
  }
  return view;
}

/** A count of names takes two units, written once the names are: they are walked once. */
const COUNT_UNITS = 2;

function writeValues(values: Readonly<Record<string, ReceivedValue>>, units: Uint16Array, at: number): number {
  const countAt = at;
  let count = 0;
  at += COUNT_UNITS;
  for (const name in values) {
    count += 1;
    const value = values[name] as ReceivedValue;
    at = writeText(name, units, at);
    if (typeof value === 'string') at = writeText(value, units, at);
    else {
      units[at] = LIST;
      at = writeLength(value.length, units, at + 1);
      for (const item of value) at = writeText(item, units, at);
    }
  }
  units[countAt] = count >>> 16;
  units[countAt + 1] = count & 0xffff;
  return at;
}

interface Reader {
  readonly units: Uint16Array;
  at: number;
}

function readLength(reader: Reader): number {
  const first = reader.units[reader.at] as number;
  if (first < SHORT_LENGTH) {
    reader.at += 1;
    return first;
  }
  const length = ((first & ~LONG) << 16) | (reader.units[reader.at + 1] as number);
  reader.at += 2;
  return length;
}

/** Units turned into a string a bounded number at a time (a call's arguments are bounded). */
const DECODED_AT_ONCE = 8192;

function readText(reader: Reader): string | null {
  if (reader.units[reader.at] === NULL) {
    reader.at += 1;
    return null;
  }
  const length = readLength(reader);
  const start = reader.at;
  reader.at += length;
  let text = '';
  for (let from = start; from < reader.at; from += DECODED_AT_ONCE) {
    text += String.fromCharCode(...reader.units.subarray(from, Math.min(from + DECODED_AT_ONCE, reader.at)));
  }
  return text;
}

function readValues(reader: Reader): Record<string, ReceivedValue> {
  // Without a prototype: a name may be anything, `__proto__` included.
  const values = Object.create(null) as Record<string, ReceivedValue>;
  const count = ((reader.units[reader.at] as number) << 16) | (reader.units[reader.at + 1] as number);
  reader.at += COUNT_UNITS;
  for (let index = 0; index < count; index += 1) {
    const name = readText(reader) ?? '';
    if (reader.units[reader.at] === LIST) {
      reader.at += 1;
      const items: string[] = [];
      const length = readLength(reader);
      for (let item = 0; item < length; item += 1) items.push(readText(reader) ?? '');
      values[name] = items;
    } else values[name] = readText(reader) ?? '';
  }
  return values;
}
