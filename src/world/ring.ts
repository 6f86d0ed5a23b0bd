/**
 * A bounded list, oldest first, in a fixed array: adding to a full ring overwrites the oldest
 * item, so a busy tenant's history costs one slot write per call, never a copy or a shift.
 */
export class Ring<T> {
  #items: (T | undefined)[] = [];
  #start = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a ring holds at least one item (got ${capacity})`);
  }

  get size(): number {
    return this.#size;
  }

  /** The slots its array has: room it holds in memory, at most its capacity. */
  get slots(): number {
    return this.#items.length;
  }

  /** Adds the newest item; returns the oldest when it had to go to make room (its owner may count what it held). */
  push(item: T): T | undefined {
    if (this.#size < this.capacity) {
      let at = (this.#start + this.#size) % this.capacity;
      // Items dropped from the front while others come at the back would walk the array out to
      // the whole capacity, mostly holes (800 bytes a tenant keeping two calls of a hundred):
      // before it grows, the items move to its front instead.
      // Shaped for memory: docs/performance.md#a-ring-grows-only-with-what-it-holds
      if (at === this.#items.length && this.#start > 0) {
        this.#compact();
        at = this.#size;
      }
      this.#items[at] = item;
      this.#size += 1;
      return undefined;
    }
    const overwritten = this.#items[this.#start];
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.capacity;
    return overwritten;
  }

  /** Removes the oldest item, if any, and returns it. */
  dropOldest(): T | undefined {
    if (this.#size === 0) return undefined;
    const oldest = this.#items[this.#start];
    this.#items[this.#start] = undefined;
    this.#start = (this.#start + 1) % this.capacity;
    this.#size -= 1;
    return oldest;
  }

  /** Moves the items to the front of the array, in order, and clears the slots behind them. */
  #compact(): void {
    const items = this.#items;
    items.copyWithin(0, this.#start, this.#start + this.#size);
    items.fill(undefined, this.#size);
    this.#start = 0;
  }

  newestFirst(): T[] {
    const items: T[] = [];
    for (let index = this.#size - 1; index >= 0; index -= 1) items.push(this.#items[(this.#start + index) % this.capacity] as T);
    return items;
  }
}
