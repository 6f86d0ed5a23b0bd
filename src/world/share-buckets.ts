import { RecencyList, type RecencyLinks } from './recency-list.js';

/** What one holder (a credential) holds of something counted in ShareBuckets, and its place among equals. */
export class Share<Holder> implements RecencyLinks<Share<Holder>> {
  amount = 0;
  newer: Share<Holder> | undefined;
  older: Share<Holder> | undefined;
  constructor(readonly holder: Holder) {}
}

/**
 * Holders by how many they hold of something (tenants, journal entries), to find the one that
 * holds the most in O(1): a bucket per amount, each a RecencyList, so that of holders holding
 * equally many the least recently active comes first (a touch, or a change of its amount, makes
 * a holder the most recent of its bucket). Amounts change by small steps (a tenant, an entry):
 * the largest amount is found again by walking down from the old one, at most as far as it fell.
 */
export class ShareBuckets<Holder> {
  readonly #buckets = new Map<number, RecencyList<Share<Holder>>>();
  #most = 0;

  /** The largest amount held; 0 when nobody holds any. */
  get most(): number {
    return this.#most;
  }

  /** The holder of the largest amount; of equals, the least recently active. */
  get biggest(): Share<Holder> | undefined {
    return this.#buckets.get(this.#most)?.oldest;
  }

  /** The holder was active: it goes last among those holding as many. */
  touch(share: Share<Holder>): void {
    if (share.amount > 0) this.#buckets.get(share.amount)?.touch(share);
  }

  /** Changes what the holder holds by `by`; it goes last among those holding as many as it now does. */
  add(share: Share<Holder>, by: number): void {
    if (by === 0) {
      this.touch(share);
      return;
    }
    if (share.amount > 0) {
      const bucket = this.#buckets.get(share.amount);
      bucket?.remove(share);
      if (bucket?.size === 0) this.#buckets.delete(share.amount);
    }
    share.amount += by;
    if (share.amount > 0) {
      let bucket = this.#buckets.get(share.amount);
      if (!bucket) this.#buckets.set(share.amount, (bucket = new RecencyList<Share<Holder>>()));
      bucket.touch(share);
    }
    if (share.amount > this.#most) this.#most = share.amount;
    while (this.#most > 0 && !this.#buckets.has(this.#most)) this.#most -= 1;
  }

  clear(): void {
    for (const bucket of this.#buckets.values()) bucket.clear();
    this.#buckets.clear();
    this.#most = 0;
  }
}
