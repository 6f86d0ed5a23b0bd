import { decodeCall, encodeCall, fittedCall, mostBytes } from './journal-codec.js';
import { weightOfBytes } from './journal-weight.js';
import type { RecordedCall } from './journal-store.js';

/** An entry as the arena gives it back: the call, its tenant time and the index its owner gave with it. */
export interface ArenaEntry {
  readonly call: RecordedCall;
  readonly tenantAt: number;
  readonly shown: number;
}

/** No entry: the end of a chain. */
export const NO_ENTRY = -1;

const FIRST_SLOTS = 64;
/** A slot's record: three fields of 8 bytes, then ten of 4 (journal-weight.ts counts these 64 bytes). */
const SLOT_BYTES = 64;
const FLOATS_PER_SLOT = SLOT_BYTES / 8;
const INTS_PER_SLOT = SLOT_BYTES / 4;
const AT = 0;
const TENANT_AT = 1;
const DURATION_MS = 2;
/** Where its text lies: a chunk and a position in it. */
const CHUNK = 6;
const POSITION = 7;
const LENGTH = 8;
const STATUS = 9;
const CODE = 10;
const SHOWN = 11;
const FLAGS = 12;
/** The next entry of the same owner's chain. */
const NEWER = 13;
/** The entries before and after it in the chunks. */
const BEFORE = 14;
const AFTER = 15;
/**
 * The bytes of one chunk of text: an entry never spans two, and a call that might take more is
 * kept cut to fit (fittedCall); ordinary calls take a few hundred bytes. The arena grows and
 * shrinks by whole chunks, never copying all it holds to grow.
 */
export const CHUNK_BYTES = 512 * 1024;
/** The free room that makes a compaction worth its walk when the last chunk is full: a fifth of the chunks' bytes. */
const FREE_SHARE_TO_COMPACT = 0.2;
/** The free room that makes a removal compact and give chunks back: half the chunks' bytes. */
const FREE_SHARE_TO_GIVE_BACK = 0.5;
const CODE_IS_NULL = 1;
const QUERY_TRUNCATED = 2;
const HEADERS_TRUNCATED = 4;
const BODY_TRUNCATED = 8;

/**
 * Every tenant's request history in one store, kept as numbers: each entry's fields in a record
 * by slot, its text (journal-codec.ts) in chunks of bytes. Recording a call keeps no
 * object for the collector to trace, move or promote, and dropping one touches only these
 * arrays. Entries are chained per tenant (oldest to newest, `newerOf`), and all of them in the
 * order their text lies in the chunks, so that when the last chunk is full and a fifth of all
 * the bytes are free, or entries going left half free, the text is compacted in place in one
 * walk and the chunks left empty are given back. While calls come the chunks hold about a quarter
 * more than the live text (which journal-weight.ts counts in what an entry weighs), and never
 * more than twice it and a chunk.
 * Why: docs/performance.md#the-request-history-is-kept-as-numbers
 */
export class JournalArena {
  /**
   * By slot, one record of SLOT_BYTES (a cache line): its numbers and links side by side, so
   * that making, dropping or walking an entry touches one line, not one in each of a dozen arrays.
   * Two views of the same bytes: the fields of 8 bytes, and those of 4.
   */
  #floats = new Float64Array(FIRST_SLOTS * FLOATS_PER_SLOT);
  #ints = new Int32Array(this.#floats.buffer);
  #slots = 0;
  readonly #freeSlots: number[] = [];
  #first = NO_ENTRY;
  #last = NO_ENTRY;

  readonly #chunks: Uint8Array<ArrayBuffer>[] = [];
  /** The chunk being filled, and where the next entry's text goes in it. */
  #tail = 0;
  #end = 0;
  /** Bytes the live entries hold. */
  #liveBytes = 0;

  /**
   * Keeps a call after its owner's newest entry `after` (NO_ENTRY for a first), `shown` an index
   * of the owner's to keep with it; returns its slot.
   */
  add(call: RecordedCall, tenantAt: number, shown: number, after: number): number {
    let most = mostBytes(call);
    if (most > CHUNK_BYTES) {
      call = fittedCall(call, CHUNK_BYTES);
      most = mostBytes(call);
      // Only ids or a path of some 256K characters, which no HTTP call has, are left too big.
      if (most > CHUNK_BYTES) throw new RangeError(`a journal entry of up to ${most} bytes is past the ${CHUNK_BYTES} the history keeps`);
    }
    this.#makeRoom(most);
    const slot = this.#freeSlots.pop() ?? this.#newSlot();
    const start = this.#end;
    this.#setInt(slot, CHUNK, this.#tail);
    this.#setInt(slot, POSITION, start);
    this.#end = encodeCall(call, this.#chunks[this.#tail] as Uint8Array, start);
    const length = this.#end - start;
    this.#liveBytes += length;
    this.#setFloat(slot, AT, call.at);
    this.#setFloat(slot, TENANT_AT, tenantAt);
    this.#setFloat(slot, DURATION_MS, call.durationMs);
    this.#setInt(slot, LENGTH, length);
    this.#setInt(slot, STATUS, call.status);
    this.#setInt(slot, CODE, call.code ?? 0);
    this.#setInt(slot, SHOWN, shown);
    this.#setInt(slot, FLAGS, (call.code === null ? CODE_IS_NULL : 0) | (call.queryTruncated ? QUERY_TRUNCATED : 0) | (call.headersTruncated ? HEADERS_TRUNCATED : 0) | (call.bodyTruncated ? BODY_TRUNCATED : 0));
    this.#setInt(slot, NEWER, NO_ENTRY);
    if (after !== NO_ENTRY) this.#setInt(after, NEWER, slot);
    this.#setInt(slot, BEFORE, this.#last);
    this.#setInt(slot, AFTER, NO_ENTRY);
    if (this.#last === NO_ENTRY) this.#first = slot;
    else this.#setInt(this.#last, AFTER, slot);
    this.#last = slot;
    return slot;
  }

  /** The owner's entry after this one; NO_ENTRY for its newest. */
  newerOf(slot: number): number {
    return this.#int(slot, NEWER);
  }

  /** What the entry weighs against `--journal-memory` (journal-weight.ts). */
  weightOf(slot: number): number {
    return weightOfBytes(this.#int(slot, LENGTH));
  }

  /** Gives the entry's room back; its owner unchains it (it is the oldest of its chain, or the whole chain goes). */
  remove(slot: number): void {
    const before = this.#int(slot, BEFORE);
    const after = this.#int(slot, AFTER);
    if (before === NO_ENTRY) this.#first = after;
    else this.#setInt(before, AFTER, after);
    if (after === NO_ENTRY) this.#last = before;
    else this.#setInt(after, BEFORE, before);
    this.#liveBytes -= this.#int(slot, LENGTH);
    this.#setInt(slot, LENGTH, 0);
    this.#freeSlots.push(slot);
    if (this.#first === NO_ENTRY) this.#emptied();
    // Entries dropped with no call after them (a tenant forgotten, a journal cleared) give their
    // chunks back too: once half the chunks' bytes are free, and more than a chunk.
    else if (this.capacity - this.#liveBytes > Math.max(CHUNK_BYTES, this.capacity * FREE_SHARE_TO_GIVE_BACK)) this.#compact();
  }

  read(slot: number): ArenaEntry {
    const flags = this.#int(slot, FLAGS);
    const text = decodeCall(this.#chunks[this.#int(slot, CHUNK)] as Uint8Array, this.#int(slot, POSITION));
    const call: RecordedCall = {
      at: this.#float(slot, AT),
      requestId: text.requestId,
      method: text.method,
      path: text.path,
      operationId: text.operationId,
      status: this.#int(slot, STATUS),
      code: flags & CODE_IS_NULL ? null : (this.#int(slot, CODE)),
      scenario: text.scenario,
      userAgent: text.userAgent,
      durationMs: this.#float(slot, DURATION_MS),
      query: text.query,
      queryTruncated: (flags & QUERY_TRUNCATED) !== 0,
      headers: text.headers,
      headersTruncated: (flags & HEADERS_TRUNCATED) !== 0,
      body: text.body,
      bodyTruncated: (flags & BODY_TRUNCATED) !== 0,
    };
    return { call, tenantAt: this.#float(slot, TENANT_AT), shown: this.#int(slot, SHOWN) };
  }

  /** Forgets every entry and gives its memory back. */
  clear(): void {
    this.#slots = 0;
    this.#freeSlots.length = 0;
    this.#first = NO_ENTRY;
    this.#last = NO_ENTRY;
    this.#liveBytes = 0;
    this.#emptied();
  }

  /** Bytes the arena's chunks hold (its live entries' and the room around them), for tests and the bench. */
  get capacity(): number {
    return this.#chunks.length * CHUNK_BYTES;
  }

  /** No entry is left: the chunks are given back. */
  #emptied(): void {
    this.#chunks.length = 0;
    this.#tail = 0;
    this.#end = 0;
  }

  /**
   * Room for `length` more bytes at the end of the last chunk: when they are not there and a
   * fifth of all the chunks' bytes are free, the text is compacted in place; else a new chunk.
   */
  #makeRoom(length: number): void {
    if (this.#chunks.length > 0 && this.#end + length <= CHUNK_BYTES) return;
    if (this.#chunks.length > 0 && this.capacity - this.#liveBytes >= this.capacity * FREE_SHARE_TO_COMPACT) {
      this.#compact();
      if (this.#end + length <= CHUNK_BYTES) return;
    }
    this.#tail = this.#chunks.length;
    this.#end = 0;
    this.#chunks.push(new Uint8Array(CHUNK_BYTES));
  }

  /**
   * Slides the live text, in order, to the front of the chunks, and gives back the chunks then
   * empty. A run of entries that lie next to one another moves in one copy (most do, as entries
   * mostly go oldest first), so a compaction costs little more than the bytes it moves. Text only
   * moves towards the front, never over text not yet moved.
   */
  #compact(): void {
    const chunks = this.#chunks;
    let toChunk = 0;
    let to = 0;
    // The run being gathered: where it lies, and where it goes.
    let runChunk = 0;
    let runStart = 0;
    let runEnd = 0;
    let runToChunk = 0;
    let runTo = 0;
    const move = () => {
      if (runEnd === runStart) return;
      const from = chunks[runChunk] as Uint8Array;
      if (runChunk === runToChunk) from.copyWithin(runTo, runStart, runEnd);
      else (chunks[runToChunk] as Uint8Array).set(from.subarray(runStart, runEnd), runTo);
    };
    for (let slot = this.#first; slot !== NO_ENTRY; slot = this.#int(slot, AFTER)) {
      const chunk = this.#int(slot, CHUNK);
      const position = this.#int(slot, POSITION);
      const length = this.#int(slot, LENGTH);
      if (to + length > CHUNK_BYTES) {
        toChunk += 1;
        to = 0;
      }
      if (chunk !== runChunk || position !== runEnd || toChunk !== runToChunk || to - runTo !== runEnd - runStart) {
        move();
        runChunk = chunk;
        runStart = position;
        runToChunk = toChunk;
        runTo = to;
      }
      runEnd = position + length;
      this.#setInt(slot, CHUNK, toChunk);
      this.#setInt(slot, POSITION, to);
      to += length;
    }
    move();
    this.#tail = toChunk;
    this.#end = to;
    // The chunks past the last one holding text are empty: given back.
    chunks.length = toChunk + 1;
  }

  #int(slot: number, field: number): number {
    return this.#ints[slot * INTS_PER_SLOT + field] as number;
  }

  #setInt(slot: number, field: number, value: number): void {
    this.#ints[slot * INTS_PER_SLOT + field] = value;
  }

  #float(slot: number, field: number): number {
    return this.#floats[slot * FLOATS_PER_SLOT + field] as number;
  }

  #setFloat(slot: number, field: number, value: number): void {
    this.#floats[slot * FLOATS_PER_SLOT + field] = value;
  }

  #newSlot(): number {
    if (this.#slots * FLOATS_PER_SLOT === this.#floats.length) {
      const floats = new Float64Array(this.#floats.length * 2);
      floats.set(this.#floats);
      this.#floats = floats;
      this.#ints = new Int32Array(floats.buffer);
    }
    return this.#slots++;
  }
}
