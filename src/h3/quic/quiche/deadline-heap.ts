// Indexed binary min-heap of per-connection deadlines, so one Node timer can serve every connection:
// the earliest deadline is O(1), moving a connection's deadline is O(log n), and each entry knows its
// own slot so updates need no search and stale entries never pile up (as they would in a lazy heap
// re-pushed on every flush). Hand-written: the npm heaps either lack decrease/increase-key by handle or
// allocate per operation.

export interface HeapEntry {
  /** performance.now() time; Infinity means no deadline (not in the heap). */
  deadline: number;
  /** Slot in the heap, -1 when absent. Owned by DeadlineHeap. */
  heapIndex: number;
}

export class DeadlineHeap<T extends HeapEntry> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The entry with the earliest deadline, or undefined. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Sets `entry`'s deadline, inserting, moving or removing it (Infinity removes). */
  set(entry: T, deadline: number): void {
    if (deadline === Infinity) {
      this.remove(entry);
      return;
    }
    const old = entry.deadline;
    entry.deadline = deadline;
    if (entry.heapIndex < 0) {
      entry.heapIndex = this.items.length;
      this.items.push(entry);
      this.up(entry.heapIndex);
    } else if (deadline < old) this.up(entry.heapIndex);
    else if (deadline > old) this.down(entry.heapIndex);
  }

  remove(entry: T): void {
    const i = entry.heapIndex;
    entry.deadline = Infinity;
    if (i < 0) return;
    entry.heapIndex = -1;
    const last = this.items.pop()!;
    if (i === this.items.length) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.down(i);
    this.up(last.heapIndex);
  }

  private up(i: number): void {
    const items = this.items;
    const e = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (parent.deadline <= e.deadline) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = e;
    e.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const e = items[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && items[c + 1]!.deadline < items[c]!.deadline) c++;
      const child = items[c]!;
      if (child.deadline >= e.deadline) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = e;
    e.heapIndex = i;
  }
}
