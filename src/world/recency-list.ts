/** What an item of a RecencyList carries: its neighbours, set only by the list. */
export interface RecencyLinks<T> {
  newer: T | undefined;
  older: T | undefined;
}

/**
 * Items in order of their last touch, least recent first, linked through their own fields: a
 * touch, a removal and the least recent item are each a few field writes, never a walk.
 * Shaped for speed: docs/performance.md#the-journals-tenant-order-is-a-linked-list
 */
export class RecencyList<T extends RecencyLinks<T>> {
  #oldest: T | undefined;
  #newest: T | undefined;
  #size = 0;

  get oldest(): T | undefined {
    return this.#oldest;
  }

  get size(): number {
    return this.#size;
  }

  has(item: T): boolean {
    return item.older !== undefined || this.#oldest === item;
  }

  /** Makes the item the most recent, adding it if it is not in the list. */
  touch(item: T): void {
    if (this.#newest === item) return;
    this.remove(item);
    item.older = this.#newest;
    item.newer = undefined;
    if (this.#newest) this.#newest.newer = item;
    else this.#oldest = item;
    this.#newest = item;
    this.#size += 1;
  }

  /** Takes the item out of the list; nothing when it is not in it. */
  remove(item: T): void {
    if (!this.has(item)) return;
    if (item.older) item.older.newer = item.newer;
    else this.#oldest = item.newer;
    if (item.newer) item.newer.older = item.older;
    else this.#newest = item.older;
    item.newer = undefined;
    item.older = undefined;
    this.#size -= 1;
  }

  /** Empties the list; the items keep no links to one another. */
  clear(): void {
    for (let item = this.#oldest; item; ) {
      const newer: T | undefined = item.newer;
      item.newer = undefined;
      item.older = undefined;
      item = newer;
    }
    this.#oldest = undefined;
    this.#newest = undefined;
    this.#size = 0;
  }
}
