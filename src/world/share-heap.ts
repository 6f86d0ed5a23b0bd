/** What one holder (a credential) holds in a ShareHeap: an amount of any size (bytes). */
export class HeapShare<Holder> {
  amount = 0;
  /** When its amount last changed (the heap's own count of changes): of equals, the earliest comes first. */
  changed = 0;
  /** Its slot in the heap's arrays while it holds something; -1 while it holds nothing. */
  slot = -1;
  constructor(readonly holder: Holder) {}
}

const FIRST_CAPACITY = 64;

/**
 * Holders by an amount that changes by any size (the bytes of journal entries): a binary max-heap,
 * so a change costs O(log holders) and the largest is at the root. Of holders holding exactly as
 * much, the one whose amount changed least recently comes first.
 *
 * The heap is kept in typed arrays (amount, change and slot by place; place by slot), not in the
 * shares: a change walks up to log2(holders) places, and over thousands of credentials each share
 * is cold memory, where the arrays stay in the cache.
 * Shaped for speed: docs/performance.md#the-byte-heap-is-kept-in-typed-arrays
 */
export class ShareHeap<Holder> {
  /** By place in the heap: the amount, the change count and the slot of the share there. */
  #amounts = new Float64Array(FIRST_CAPACITY);
  #changes = new Float64Array(FIRST_CAPACITY);
  #slots = new Int32Array(FIRST_CAPACITY);
  /** By slot: the share and its place in the heap. */
  #places = new Int32Array(FIRST_CAPACITY);
  readonly #shares: (HeapShare<Holder> | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  #size = 0;
  #changeCount = 0;

  /** The holder of the largest amount. */
  get biggest(): HeapShare<Holder> | undefined {
    return this.#size === 0 ? undefined : this.#shares[this.#slots[0] as number];
  }

  /** Changes what the holder holds by `by`; a holder left with nothing leaves the heap. */
  add(share: HeapShare<Holder>, by: number): void {
    share.amount += by;
    share.changed = ++this.#changeCount;
    if (share.amount <= 0) {
      share.amount = 0;
      this.#remove(share);
      return;
    }
    if (share.slot === -1) this.#enter(share);
    const at = this.#places[share.slot] as number;
    this.#amounts[at] = share.amount;
    this.#changes[at] = share.changed;
    this.#down(this.#up(at));
  }

  clear(): void {
    for (const share of this.#shares) if (share) share.slot = -1;
    this.#shares.length = 0;
    this.#freeSlots.length = 0;
    this.#size = 0;
  }

  #enter(share: HeapShare<Holder>): void {
    if (this.#size === this.#amounts.length) this.#grow();
    const slot = this.#freeSlots.pop() ?? this.#shares.length;
    share.slot = slot;
    this.#shares[slot] = share;
    const at = this.#size++;
    this.#slots[at] = slot;
    this.#places[slot] = at;
  }

  #remove(share: HeapShare<Holder>): void {
    const { slot } = share;
    if (slot === -1) return;
    const at = this.#places[slot] as number;
    share.slot = -1;
    this.#shares[slot] = undefined;
    this.#freeSlots.push(slot);
    const last = --this.#size;
    if (at === last) return;
    this.#move(last, at);
    this.#down(this.#up(at));
  }

  #grow(): void {
    this.#amounts = doubled(this.#amounts);
    this.#changes = doubled(this.#changes);
    this.#slots = doubled(this.#slots);
    this.#places = doubled(this.#places);
  }

  /** Whether the share at place a goes before the one at b: more, or as much and changed earlier. */
  #before(a: number, b: number): boolean {
    const amounts = this.#amounts;
    const amountA = amounts[a] as number;
    const amountB = amounts[b] as number;
    return amountA > amountB || (amountA === amountB && (this.#changes[a] as number) < (this.#changes[b] as number));
  }

  /** Moves the share at `at` up while it goes before its parent; returns where it stopped. */
  #up(at: number): number {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.#before(at, parent)) break;
      this.#swap(at, parent);
      at = parent;
    }
    return at;
  }

  #down(at: number): void {
    const size = this.#size;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let first = at;
      if (left < size && this.#before(left, first)) first = left;
      if (right < size && this.#before(right, first)) first = right;
      if (first === at) return;
      this.#swap(at, first);
      at = first;
    }
  }

  /** Puts the share at place `from` at place `to` (whose own share has left). */
  #move(from: number, to: number): void {
    const slot = this.#slots[from] as number;
    this.#amounts[to] = this.#amounts[from] as number;
    this.#changes[to] = this.#changes[from] as number;
    this.#slots[to] = slot;
    this.#places[slot] = to;
  }

  #swap(a: number, b: number): void {
    const amounts = this.#amounts;
    const changes = this.#changes;
    const slots = this.#slots;
    const amountA = amounts[a] as number;
    const changedA = changes[a] as number;
    const slotA = slots[a] as number;
    const slotB = slots[b] as number;
    amounts[a] = amounts[b] as number;
    changes[a] = changes[b] as number;
    slots[a] = slotB;
    amounts[b] = amountA;
    changes[b] = changedA;
    slots[b] = slotA;
    this.#places[slotA] = b;
    this.#places[slotB] = a;
  }
}

/** A typed array of twice the length, holding the same values first. */
function doubled<T extends Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(from: T): T {
  const to = new (from.constructor as new (length: number) => T)(from.length * 2);
  to.set(from);
  return to;
}
