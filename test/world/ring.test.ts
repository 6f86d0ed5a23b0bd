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

  it('refuses a capacity below one', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});
