import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, JournalArena, NO_ENTRY } from '../../src/world/journal-arena.js';
import { encodeCall, mostBytes } from '../../src/world/journal-codec.js';
import { journalEntryWeight } from '../../src/world/journal-weight.js';
import type { RecordedCall } from '../../src/world/journal-store.js';
import { recordedCall } from './store-contract.js';

/** What JSON shows of a call: the arena gives values back in objects without a prototype. */
const shown = (call: RecordedCall): unknown => JSON.parse(JSON.stringify(call));

/** The bytes a call's text takes in the arena. */
const textBytes = (call: RecordedCall): number => encodeCall(call, new Uint8Array(mostBytes(call)), 0);

/** The slots of an owner's chain, oldest first. */
function chain(arena: JournalArena, oldest: number): number[] {
  const slots: number[] = [];
  for (let slot = oldest; slot !== NO_ENTRY; slot = arena.newerOf(slot)) slots.push(slot);
  return slots;
}

describe('the journal arena keeps every tenant\'s calls as numbers', () => {
  it('gives back a call exactly as it was recorded, with its tenant time and index', () => {
    const arena = new JournalArena();
    const calls = [
      recordedCall(),
      recordedCall({ code: 737, status: 422, scenario: 'open-cart', userAgent: null, body: null, queryTruncated: true, headersTruncated: true, bodyTruncated: true, durationMs: 0.1 }),
      recordedCall({ operationId: null, status: 0, query: {}, headers: {} }),
      // Whatever a client may send: any name, a list, characters past Latin-1, a lone surrogate, a long body.
      recordedCall({
        query: JSON.parse('{"__proto__":"x","constructor":["a","b"],"é":""}') as RecordedCall['query'],
        headers: { 'x-emoji': '😀\ud800', 'x-long': `ü${'😀'.repeat(100)}`, empty: [] },
        body: 'é'.repeat(40_000),
        path: '',
      }),
    ];
    const slots = calls.map((call, index) => arena.add(call, 1_000 + index, index, NO_ENTRY));
    for (const [index, slot] of slots.entries()) {
      const entry = arena.read(slot);
      expect(shown(entry.call)).toEqual(shown(calls[index] as RecordedCall));
      expect([entry.tenantAt, entry.shown]).toEqual([1_000 + index, index]);
      expect(arena.weightOf(slot)).toBe(journalEntryWeight(calls[index] as RecordedCall));
    }
    const odd = arena.read(slots[3] as number).call;
    expect(Object.keys(odd.query)).toEqual(['__proto__', 'constructor', 'é']);
    expect(odd.headers['x-emoji']).toBe('😀\ud800');
  });

  it('chains an owner\'s calls oldest to newest', () => {
    const arena = new JournalArena();
    const first = arena.add(recordedCall({ requestId: 'a1' }), 0, 0, NO_ENTRY);
    const other = arena.add(recordedCall({ requestId: 'b1' }), 0, 0, NO_ENTRY);
    const second = arena.add(recordedCall({ requestId: 'a2' }), 0, 0, first);
    expect(chain(arena, first).map((slot) => arena.read(slot).call.requestId)).toEqual(['a1', 'a2']);
    expect(chain(arena, other)).toEqual([other]);
    arena.remove(first);
    expect(chain(arena, second).map((slot) => arena.read(slot).call.requestId)).toEqual(['a2']);
  });

  it('keeps what is left intact while entries come and go in any order, within a little more than a quarter more than the most they held, and two chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ add: fc.integer({ min: 0, max: 20_000 }) }), fc.record({ remove: fc.nat() })), { minLength: 200, maxLength: 400 }),
        (steps) => {
          const arena = new JournalArena();
          const live = new Map<number, { requestId: string; bytes: number }>();
          let count = 0;
          let mostHeld = 0;
          for (const step of steps) {
            if ('add' in step) {
              const call = recordedCall({ requestId: `${(count += 1)}`, body: 'b'.repeat(step.add) });
              live.set(arena.add(call, 0, 0, NO_ENTRY), { requestId: call.requestId, bytes: textBytes(call) });
            } else if (live.size > 0) {
              const slot = [...live.keys()][step.remove % live.size] as number;
              arena.remove(slot);
              live.delete(slot);
            }
            let held = 0;
            for (const entry of live.values()) held += entry.bytes;
            mostHeld = Math.max(mostHeld, held);
            // A quarter free at most, and each chunk's end left when the next entry might not fit there.
            expect(arena.capacity).toBeLessThanOrEqual(1.4 * mostHeld + 2 * CHUNK_BYTES);
          }
          for (const [slot, { requestId }] of live) expect(arena.read(slot).call.requestId).toBe(requestId);
        },
      ),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('gives its chunks back when what it holds shrinks', () => {
    const arena = new JournalArena();
    const slots = Array.from({ length: 400 }, (_, index) => arena.add(recordedCall({ requestId: `${index}`, body: 'x'.repeat(20_000) }), 0, 0, NO_ENTRY));
    const full = arena.capacity;
    expect(full).toBeGreaterThan(10 * CHUNK_BYTES);
    // The oldest nine in ten go; the next calls are kept in the room they left.
    for (const slot of slots.slice(0, 360)) arena.remove(slot);
    for (let index = 0; index < 40; index += 1) arena.add(recordedCall({ body: 'x'.repeat(20_000) }), 0, 0, NO_ENTRY);
    expect(arena.capacity).toBeLessThan(full / 3);
    expect(slots.slice(360).map((slot) => arena.read(slot).call.requestId)).toEqual(Array.from({ length: 40 }, (_, index) => `${360 + index}`));
  });

  it('keeps a call too big for a chunk cut to fit, marked truncated, and the largest the HTTP layer makes whole', () => {
    const arena = new JournalArena();
    const bigBody = arena.read(arena.add(recordedCall({ body: 'x'.repeat(CHUNK_BYTES) }), 0, 0, NO_ENTRY)).call;
    expect([bigBody.bodyTruncated, bigBody.headersTruncated, bigBody.queryTruncated]).toEqual([true, false, false]);
    expect(bigBody.body?.length).toBeGreaterThan(CHUNK_BYTES / 4);
    expect(bigBody.headers).toEqual(recordedCall().headers);
    // Header names are not capped by the HTTP layer: a raised --max-http-header-size lets through more than a chunk.
    const names = Object.fromEntries(Array.from({ length: 4 }, (_, index) => [`x-${index}-${'n'.repeat(100_000)}`, 'v']));
    const bigHeaders = arena.read(arena.add(recordedCall({ headers: { accept: 'a', ...names } }), 0, 0, NO_ENTRY)).call;
    expect(bigHeaders.headersTruncated).toBe(true);
    expect(Object.keys(bigHeaders.headers).length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(bigHeaders.headers).length).toBeLessThan(5);
    expect(bigHeaders.body).toBe(recordedCall().body);
    expect(() => arena.add(recordedCall({ path: 'p'.repeat(CHUNK_BYTES) }), 0, 0, NO_ENTRY)).toThrow(RangeError);
    const values = Object.fromEntries(Array.from({ length: 64 }, (_, index) => [`x-${'n'.repeat(200)}-${index}`, 'v'.repeat(1_024)]));
    const largest = recordedCall({ body: '€'.repeat(16 * 1024), headers: values, query: values, path: 'p'.repeat(300) });
    expect(shown(arena.read(arena.add(largest, 0, 0, NO_ENTRY)).call)).toEqual(shown(largest));
  });

  it('gives its chunks back when entries go with no call after them', () => {
    const arena = new JournalArena();
    const small = arena.add(recordedCall({ requestId: 'small' }), 0, 0, NO_ENTRY);
    const big = Array.from({ length: 100 }, () => arena.add(recordedCall({ body: 'x'.repeat(20_000) }), 0, 0, NO_ENTRY));
    expect(arena.capacity).toBeGreaterThan(3 * CHUNK_BYTES);
    for (const slot of big) arena.remove(slot);
    expect(arena.capacity).toBe(CHUNK_BYTES);
    expect(arena.read(small).call.requestId).toBe('small');
  });

  it('forgets everything when cleared', () => {
    const arena = new JournalArena();
    for (let index = 0; index < 100; index += 1) arena.add(recordedCall({ body: 'x'.repeat(10_000) }), 0, 0, NO_ENTRY);
    expect(arena.capacity).toBeGreaterThan(CHUNK_BYTES);
    arena.clear();
    expect(arena.capacity).toBe(0);
    const slot = arena.add(recordedCall({ requestId: 'after' }), 0, 0, NO_ENTRY);
    expect(arena.read(slot).call.requestId).toBe('after');
    expect(arena.capacity).toBe(CHUNK_BYTES);
  });
});
