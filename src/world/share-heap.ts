/** What one holder (a credential) holds in a ShareHeap: an amount of any size (bytes). */
export class HeapShare<Holder> {
  amount = 0;
  /** When its amount last changed (the heap's own count of changes): of equals, the earliest comes first. */
  changed = 0;
  /** Its place in the heap's array; -1 while it holds nothing. */
  index = -1;
  constructor(readonly holder: Holder) {}
}

/**
 * Holders by an amount that changes by any size (the bytes of journal entries): a binary max-heap
 * indexed from each share, so a change costs O(log holders) and the largest is at the root. Of
 * holders holding exactly as much, the one whose amount changed least recently comes first.
 */
export class ShareHeap<Holder> {
  readonly #heap: HeapShare<Holder>[] = [];
  #changes = 0;

  /** The holder of the largest amount. */
  get biggest(): HeapShare<Holder> | undefined {
    return this.#heap[0];
  }

  /** Changes what the holder holds by `by`; a holder left with nothing leaves the heap. */
  add(share: HeapShare<Holder>, by: number): void {
    share.amount += by;
    share.changed = ++this.#changes;
    if (share.amount <= 0) {
      share.amount = 0;
      this.#remove(share);
      return;
    }
    if (share.index === -1) {
      share.index = this.#heap.length;
      this.#heap.push(share);
    }
    this.#up(share.index);
    this.#down(share.index);
  }

  clear(): void {
    for (const share of this.#heap) share.index = -1;
    this.#heap.length = 0;
  }

  #remove(share: HeapShare<Holder>): void {
    const at = share.index;
    if (at === -1) return;
    share.index = -1;
    const last = this.#heap.pop();
    if (!last || last === share) return;
    this.#heap[at] = last;
    last.index = at;
    this.#up(at);
    this.#down(at);
  }

  /** Whether a goes before b: more, or as much and changed earlier. */
  #before(a: HeapShare<Holder>, b: HeapShare<Holder>): boolean {
    return a.amount > b.amount || (a.amount === b.amount && a.changed < b.changed);
  }

  #up(at: number): void {
    const heap = this.#heap;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.#before(heap[at] as HeapShare<Holder>, heap[parent] as HeapShare<Holder>)) return;
      this.#swap(at, parent);
      at = parent;
    }
  }

  #down(at: number): void {
    const heap = this.#heap;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let first = at;
      if (left < heap.length && this.#before(heap[left] as HeapShare<Holder>, heap[first] as HeapShare<Holder>)) first = left;
      if (right < heap.length && this.#before(heap[right] as HeapShare<Holder>, heap[first] as HeapShare<Holder>)) first = right;
      if (first === at) return;
      this.#swap(at, first);
      at = first;
    }
  }

  #swap(a: number, b: number): void {
    const heap = this.#heap;
    const shareA = heap[a] as HeapShare<Holder>;
    const shareB = heap[b] as HeapShare<Holder>;
    heap[a] = shareB;
    heap[b] = shareA;
    shareA.index = b;
    shareB.index = a;
  }
}
