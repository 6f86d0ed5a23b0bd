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

  /** Adds the newest item; returns the oldest when it had to go to make room (its owner may count what it held). */
  push(item: T): T | undefined {
    if (this.#size < this.capacity) {
      this.#items[(this.#start + this.#size) % this.capacity] = item;
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

  newestFirst(): T[] {
    const items: T[] = [];
    for (let index = this.#size - 1; index >= 0; index -= 1) items.push(this.#items[(this.#start + index) % this.capacity] as T);
    return items;
  }
}
