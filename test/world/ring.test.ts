import { describe, expect, it } from 'vitest';
import { Ring } from '../../src/world/ring.js';

describe('a ring keeps the newest items up to its capacity', () => {
  it('overwrites the oldest when full, and says so', () => {
    const ring = new Ring<number>(3);
    expect([1, 2, 3].map((item) => ring.push(item))).toEqual([undefined, undefined, undefined]);
    expect(ring.push(4)).toBe(1);
    expect(ring.newestFirst()).toEqual([4, 3, 2]);
    expect(ring.size).toBe(3);
  });

  it('drops its oldest on demand and keeps order across the wrap', () => {
    const ring = new Ring<string>(2);
    ring.push('a');
    ring.push('b');
    ring.push('c');
    ring.dropOldest();
    expect(ring.newestFirst()).toEqual(['c']);
    ring.push('d');
    expect(ring.newestFirst()).toEqual(['d', 'c']);
    ring.dropOldest();
    ring.dropOldest();
    ring.dropOldest();
    expect(ring.size).toBe(0);
    expect(ring.newestFirst()).toEqual([]);
  });

  it('holds room for what it keeps, not its capacity, while items pass through it', () => {
    const ring = new Ring<number>(100);
    for (let step = 0; step < 1_000; step += 1) {
      ring.push(step);
      if (ring.size > 2) ring.dropOldest();
    }
    expect(ring.newestFirst()).toEqual([999, 998]);
    expect(ring.slots).toBeLessThanOrEqual(3);
    // Full, it wraps in place at its capacity.
    for (let step = 0; step < 250; step += 1) ring.push(step);
    expect([ring.size, ring.slots]).toEqual([100, 100]);
    expect(ring.newestFirst().slice(0, 2)).toEqual([249, 248]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
  });

  it('agrees with a plain list over many pushes and drops, as it grows to its capacity', () => {
    for (const capacity of [1, 3, 5, 100]) {
      const ring = new Ring<number>(capacity);
      const expected: number[] = [];
      let seed = capacity;
      const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
      for (let step = 0; step < 3_000; step += 1) {
        if (random() < 0.6) {
          const overwritten = ring.push(step);
          expected.push(step);
          expect(overwritten).toBe(expected.length > capacity ? expected.shift() : undefined);
        } else expect(ring.dropOldest()).toBe(expected.shift());
        expect(ring.size).toBe(expected.length);
      }
      expect(ring.newestFirst()).toEqual([...expected].reverse());
    }
  });
});
