// The deadline heap always yields the earliest deadline, through inserts, moves both ways and removals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlineHeap, type HeapEntry } from '../../src/h3/quic/quiche/deadline-heap.js';

interface Entry extends HeapEntry {
  id: number;
}

test('random set/remove sequences keep peek() at the minimum', () => {
  let seed = 42;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const heap = new DeadlineHeap<Entry>();
  const entries: Entry[] = Array.from({ length: 64 }, (_, id) => ({ id, deadline: Infinity, heapIndex: -1 }));
  for (let step = 0; step < 20_000; step++) {
    const e = entries[rand(entries.length)]!;
    if (rand(5) === 0) heap.remove(e);
    else heap.set(e, rand(4) === 0 ? Infinity : rand(1000));
    const live = entries.filter((x) => x.deadline !== Infinity);
    assert.equal(heap.size, live.length);
    const min = Math.min(...live.map((x) => x.deadline));
    assert.equal(heap.peek()?.deadline ?? Infinity, min);
    for (const x of entries) assert.equal(x.heapIndex >= 0, x.deadline !== Infinity);
  }
});
