import type { ReceivedValue, RecordedCall } from './journal-store.js';

/**
 * A recorded call's text (ids, path, body, query and headers) as bytes, so that the memory store
 * keeps its history in arrays of numbers (journal-arena.ts) and the collector has no object of it
 * to trace or move. Numbers (times, status, code) are kept beside, not here.
 * A text is a header then its characters: one byte each when all are Latin-1 (headers, ids and
 * paths always are), else two (UTF-16, little-endian). The header is one byte for a short text
 * (its length, plus TWO_BYTE_SHORT for two-byte text), else LONG, its kind and four bytes of
 * length; a missing text is NULL. Names and values are their count (four bytes), then each name
 * and its value: a text, or LIST, four bytes of count and its items.
 * Why: docs/performance.md#the-request-history-is-kept-as-numbers
 */
const NULL = 0xff;
const LIST = 0xfe;
const LONG = 0xfd;
/** A text shorter than this has a header of one byte. */
const SHORT_LENGTH = 0x7d;
const TWO_BYTE_SHORT = 0x80;
const LATIN1 = 0;
const TWO_BYTE = 1;
const LONG_HEADER_BYTES = 6;
const COUNT_BYTES = 4;

/** The text fields of a call, in the order they are encoded. */
type TextFields = Pick<RecordedCall, 'requestId' | 'method' | 'path' | 'operationId' | 'scenario' | 'userAgent' | 'body' | 'query' | 'headers'>;

/**
 * The most bytes a call's text can take (every character two bytes, every header long): the room
 * encodeCall needs, found from the lengths alone.
 */
export function mostBytes(call: TextFields): number {
  return (
    textMost(call.requestId) +
    textMost(call.method) +
    textMost(call.path) +
    textMost(call.operationId) +
    textMost(call.scenario) +
    textMost(call.userAgent) +
    textMost(call.body) +
    valuesMost(call.query) +
    valuesMost(call.headers)
  );
}

/** Writes the call's text at `at` (room for mostBytes(call) there); returns where it ended. */
export function encodeCall(call: TextFields, bytes: Uint8Array, at: number): number {
  at = writeText(call.requestId, bytes, at);
  at = writeText(call.method, bytes, at);
  at = writeText(call.path, bytes, at);
  at = writeText(call.operationId, bytes, at);
  at = writeText(call.scenario, bytes, at);
  at = writeText(call.userAgent, bytes, at);
  at = writeText(call.body, bytes, at);
  at = writeValues(call.query, bytes, at);
  return writeValues(call.headers, bytes, at);
}

/** The call's text as encodeCall wrote it at `at`. */
export function decodeCall(bytes: Uint8Array, at: number): TextFields {
  const reader: Reader = { bytes, view: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), at };
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

/**
 * The call as it fits in `limit` bytes at most: itself when it does (any call the HTTP layer's
 * caps let through, unless a raised --max-http-header-size lets a client send more than 200 KiB
 * of header names); else its largest part (headers, query or body) is cut to the room the others
 * leave, then the next if that was not enough, each part cut marked truncated. A call is always
 * journaled, never refused for its size.
 */
export function fittedCall(call: RecordedCall, limit: number): RecordedCall {
  const most = mostBytes(call);
  if (most <= limit) return call;
  const parts = [
    { name: 'headers', need: valuesMost(call.headers) },
    { name: 'query', need: valuesMost(call.query) },
    { name: 'body', need: textMost(call.body) },
  ].sort((a, b) => b.need - a.need);
  let left = limit - (most - parts.reduce((sum, part) => sum + part.need, 0));
  let { headers, query, body } = call;
  for (const [index, part] of parts.entries()) {
    const room = left - parts.slice(index + 1).reduce((sum, later) => sum + later.need, 0);
    if (part.need <= room) {
      left -= part.need;
      continue;
    }
    if (part.name === 'headers') left -= valuesMost((headers = valuesWithin(call.headers, room)));
    else if (part.name === 'query') left -= valuesMost((query = valuesWithin(call.query, room)));
    else left -= textMost((body = (call.body ?? '').slice(0, Math.max(0, Math.floor((room - LONG_HEADER_BYTES) / 2)))));
  }
  return {
    ...call,
    headers,
    headersTruncated: call.headersTruncated || headers !== call.headers,
    query,
    queryTruncated: call.queryTruncated || query !== call.query,
    body,
    bodyTruncated: call.bodyTruncated || body !== call.body,
  };
}

/** The values themselves when they fit in `room` bytes; else those from the first that do. */
function valuesWithin(values: Readonly<Record<string, ReceivedValue>>, room: number): Readonly<Record<string, ReceivedValue>> {
  if (valuesMost(values) <= room) return values;
  const kept = Object.create(null) as Record<string, ReceivedValue>;
  let most = COUNT_BYTES;
  for (const name in values) {
    const value = values[name] as ReceivedValue;
    const more = valueMost(name, value);
    if (most + more > room) break;
    kept[name] = value;
    most += more;
  }
  return kept;
}

function textMost(text: string | null): number {
  return text === null ? 1 : LONG_HEADER_BYTES + 2 * text.length;
}

function valuesMost(values: Readonly<Record<string, ReceivedValue>>): number {
  let most = COUNT_BYTES;
  for (const name in values) most += valueMost(name, values[name] as ReceivedValue);
  return most;
}

/** The most one name and its value take. */
function valueMost(name: string, value: ReceivedValue): number {
  if (typeof value === 'string') return textMost(name) + textMost(value);
  let most = textMost(name) + 1 + COUNT_BYTES;
  for (const item of value) most += textMost(item);
  return most;
}

function writeCount(count: number, bytes: Uint8Array, at: number): void {
  bytes[at] = count & 0xff;
  bytes[at + 1] = (count >>> 8) & 0xff;
  bytes[at + 2] = (count >>> 16) & 0xff;
  bytes[at + 3] = count >>> 24;
}

/**
 * Writes the characters as Latin-1 while they are, and starts again as two-byte text at the first
 * that is not: one pass for the texts a client almost always sends.
 */
function writeText(text: string | null, bytes: Uint8Array, at: number): number {
  if (text === null) {
    bytes[at] = NULL;
    return at + 1;
  }
  const length = text.length;
  const short = length < SHORT_LENGTH;
  const start = at + (short ? 1 : LONG_HEADER_BYTES);
  let index = 0;
  for (; index < length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit > 0xff) break;
    bytes[start + index] = unit;
  }
  const latin1 = index === length;
  if (!latin1) {
    for (index = 0; index < length; index += 1) {
      const unit = text.charCodeAt(index);
      bytes[start + 2 * index] = unit & 0xff;
      bytes[start + 2 * index + 1] = unit >>> 8;
    }
  }
  if (short) bytes[at] = latin1 ? length : TWO_BYTE_SHORT + length;
  else {
    bytes[at] = LONG;
    bytes[at + 1] = latin1 ? LATIN1 : TWO_BYTE;
    writeCount(length, bytes, at + 2);
  }
  return start + (latin1 ? length : 2 * length);
}

function writeValues(values: Readonly<Record<string, ReceivedValue>>, bytes: Uint8Array, at: number): number {
  // The count is written once the names are: they are walked once.
  const countAt = at;
  let count = 0;
  at += COUNT_BYTES;
  for (const name in values) {
    count += 1;
    const value = values[name] as ReceivedValue;
    at = writeText(name, bytes, at);
    if (typeof value === 'string') at = writeText(value, bytes, at);
    else {
      bytes[at] = LIST;
      writeCount(value.length, bytes, at + 1);
      at += 1 + COUNT_BYTES;
      for (const item of value) at = writeText(item, bytes, at);
    }
  }
  writeCount(count, bytes, countAt);
  return at;
}

interface Reader {
  readonly bytes: Uint8Array;
  /** The same bytes as a Buffer, to decode a text in one call. */
  readonly view: Buffer;
  at: number;
}

function readCount(reader: Reader): number {
  const count = reader.view.readUInt32LE(reader.at);
  reader.at += COUNT_BYTES;
  return count;
}

function readText(reader: Reader): string | null {
  const header = reader.bytes[reader.at] as number;
  reader.at += 1;
  if (header === NULL) return null;
  let length = header;
  let latin1 = header < TWO_BYTE_SHORT;
  if (header === LONG) {
    latin1 = reader.bytes[reader.at] === LATIN1;
    reader.at += 1;
    length = readCount(reader);
  } else if (!latin1) length = header - TWO_BYTE_SHORT;
  const start = reader.at;
  reader.at += latin1 ? length : 2 * length;
  return reader.view.toString(latin1 ? 'latin1' : 'utf16le', start, reader.at);
}

function readValues(reader: Reader): Record<string, ReceivedValue> {
  // Without a prototype: a name may be anything, `__proto__` included.
  const values = Object.create(null) as Record<string, ReceivedValue>;
  const count = readCount(reader);
  for (let index = 0; index < count; index += 1) {
    const name = readText(reader) ?? '';
    if (reader.bytes[reader.at] === LIST) {
      reader.at += 1;
      const items: string[] = [];
      const length = readCount(reader);
      for (let item = 0; item < length; item += 1) items.push(readText(reader) ?? '');
      values[name] = items;
    } else values[name] = readText(reader) ?? '';
  }
  return values;
}
