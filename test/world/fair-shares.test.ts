import { describe, expect, it } from 'vitest';
import { Share, ShareBuckets } from '../../src/world/share-buckets.js';
import { HeapShare, ShareHeap } from '../../src/world/share-heap.js';
import { credentialOf, sessionTenant } from '../../src/world/tenant-credential.js';

describe('a tenant belongs to its credential', () => {
  it('is the credential itself, or a session of it: what comes before the first ~', () => {
    expect(credentialOf('Zm9v')).toBe('Zm9v');
    expect(credentialOf(sessionTenant('Zm9v', 'ci~job-1'))).toBe('Zm9v');
    expect(sessionTenant('shared', 'a')).toBe('shared~a');
  });
});

describe('share buckets find the holder of the most in O(1)', () => {
  it('of equals, gives the least recently active (a touch, or a change of its amount)', () => {
    const buckets = new ShareBuckets<string>();
    const [a, b, c] = ['a', 'b', 'c'].map((name) => new Share(name)) as [Share<string>, Share<string>, Share<string>];
    expect(buckets.biggest).toBeUndefined();
    buckets.add(a, 1);
    buckets.add(b, 1);
    buckets.add(c, 1);
    expect([buckets.most, buckets.biggest?.holder]).toEqual([1, 'a']);
    buckets.touch(a);
    expect(buckets.biggest?.holder).toBe('b');
    buckets.add(c, 2);
    expect([buckets.most, buckets.biggest?.holder]).toEqual([3, 'c']);
    buckets.add(c, -2);
    // c's holding changed last: b is now the least recently active of those holding one.
    expect([buckets.most, buckets.biggest?.holder]).toEqual([1, 'b']);
    buckets.add(b, -1);
    buckets.add(a, -1);
    expect([buckets.most, buckets.biggest?.holder]).toEqual([1, 'c']);
    buckets.add(c, -1);
    expect([buckets.most, buckets.biggest]).toEqual([0, undefined]);
  });

  it('finds the largest again after a fall of many (a journal cleared)', () => {
    const buckets = new ShareBuckets<string>();
    const [a, b] = [new Share('a'), new Share('b')];
    buckets.add(a, 3);
    buckets.add(b, 40);
    buckets.add(b, -39);
    expect([buckets.most, buckets.biggest?.holder]).toEqual([3, 'a']);
    buckets.clear();
    expect(buckets.biggest).toBeUndefined();
  });
});

describe('a share heap finds the holder of the most bytes', () => {
  // 300 holders outgrow the heap's first arrays; departures free slots that others take again.
  it.each([50, 300])('keeps the largest of %i holders at its root through rises, falls and departures; of equals, the one changed least recently', (holders) => {
    const heap = new ShareHeap<string>();
    const shares = Array.from({ length: holders }, (_, index) => new HeapShare(`h${String(index)}`));
    // A fixed pseudo-random walk, checked against a sort at every step.
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
    for (let step = 0; step < 2_000; step += 1) {
      const share = shares[next() % shares.length] as HeapShare<string>;
      heap.add(share, share.amount > 0 && next() % 3 === 0 ? -Math.min(share.amount, next() % 500) : next() % 500);
      const expected = [...shares].filter((candidate) => candidate.amount > 0).sort((x, y) => y.amount - x.amount || x.changed - y.changed)[0];
      expect(heap.biggest).toBe(expected);
    }
    heap.clear();
    expect(heap.biggest).toBeUndefined();
  });
});
