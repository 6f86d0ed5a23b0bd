import { describe, expect, it } from 'vitest';
import { RecencyList, type RecencyLinks } from '../../src/world/recency-list.js';

interface Item extends RecencyLinks<Item> {
  readonly name: string;
}

const item = (name: string): Item => ({ name, newer: undefined, older: undefined });

/** The list's items, least recent first, by walking the links from its oldest. */
function order(list: RecencyList<Item>): string[] {
  const names: string[] = [];
  for (let current = list.oldest; current; current = current.newer) names.push(current.name);
  return names;
}

describe('a recency list keeps its items in order of their last touch', () => {
  it('puts a touched item last, whether it was in the list or not', () => {
    const list = new RecencyList<Item>();
    const [a, b, c] = [item('a'), item('b'), item('c')];
    list.touch(a);
    list.touch(b);
    list.touch(c);
    expect(order(list)).toEqual(['a', 'b', 'c']);
    list.touch(a);
    expect(order(list)).toEqual(['b', 'c', 'a']);
    list.touch(c);
    expect(order(list)).toEqual(['b', 'a', 'c']);
    list.touch(c);
    expect(order(list)).toEqual(['b', 'a', 'c']);
    expect(list.size).toBe(3);
  });

  it('removes the oldest, the newest or one between, and an item not in it is no change', () => {
    const list = new RecencyList<Item>();
    const [a, b, c, d] = [item('a'), item('b'), item('c'), item('d')];
    for (const each of [a, b, c, d]) list.touch(each);
    list.remove(b);
    expect(order(list)).toEqual(['a', 'c', 'd']);
    list.remove(a);
    expect(list.oldest).toBe(c);
    list.remove(d);
    expect(order(list)).toEqual(['c']);
    list.remove(b);
    expect(order(list)).toEqual(['c']);
    expect([list.has(b), list.has(c)]).toEqual([false, true]);
    list.remove(c);
    expect([list.oldest, list.size, list.has(c)]).toEqual([undefined, 0, false]);
    list.touch(b);
    expect(order(list)).toEqual(['b']);
  });

  it('empties at once, leaving no links behind', () => {
    const list = new RecencyList<Item>();
    const items = ['a', 'b', 'c'].map(item);
    for (const each of items) list.touch(each);
    list.clear();
    expect([list.oldest, list.size]).toEqual([undefined, 0]);
    expect(items.every((each) => each.newer === undefined && each.older === undefined && !list.has(each))).toBe(true);
  });

  it('agrees with a plain array over many random touches and removals', () => {
    const list = new RecencyList<Item>();
    const items = Array.from({ length: 20 }, (_, index) => item(String(index)));
    let expected: Item[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    for (let step = 0; step < 2_000; step += 1) {
      const chosen = items[Math.floor(random() * items.length)] as Item;
      expected = expected.filter((each) => each !== chosen);
      if (random() < 0.7) {
        list.touch(chosen);
        expected.push(chosen);
      } else list.remove(chosen);
      expect(list.size).toBe(expected.length);
    }
    expect(order(list)).toEqual(expected.map((each) => each.name));
  });
});
