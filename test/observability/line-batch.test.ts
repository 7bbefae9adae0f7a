// The log batch encodes lines into one Buffer as they arrive: whatever the lines hold (multi-byte
// characters, surrogate pairs, lone surrogates, lines longer than a batch) the destination receives
// exactly the bytes Buffer.from would make of them, in order, and nothing stays behind a hand-over or
// the timer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineBatch } from '../../src/core/observability/line-batch.js';

function collector(): { writes: Buffer[]; write(b: Buffer): void } {
  const writes: Buffer[] = [];
  return { writes, write: (b) => void writes.push(Buffer.from(b)) };
}

const lines = ['plain ascii\n', 'ünïcödé ☃\n', 'pair 😀 end\n', 'lone \ud800 surrogate\n', 'x'.repeat(700) + '\n', '€'.repeat(300) + '\n'];

describe('LineBatch', () => {
  it('hands over the same bytes as Buffer.from, in order, across many batches', () => {
    const dest = collector();
    const batch = new LineBatch(dest, 1024, 60_000);
    const all: string[] = [];
    for (let i = 0; i < 200; i++) {
      const line = `${i} ${lines[i % lines.length]}`;
      all.push(line);
      batch.push(line);
    }
    batch.handOver();
    assert.ok(dest.writes.length > 20, `several batches, got ${dest.writes.length}`);
    assert.ok(dest.writes.every((w) => w.length <= 1024));
    assert.deepEqual(Buffer.concat(dest.writes), Buffer.from(all.join('')));
  });

  it('writes a line longer than a whole batch on its own, after what came before', () => {
    const dest = collector();
    const batch = new LineBatch(dest, 256, 60_000);
    batch.push('first\n');
    const long = 'L'.repeat(1000) + '\n';
    batch.push(long);
    batch.push('last\n');
    batch.handOver();
    assert.deepEqual(dest.writes.map(String), ['first\n', long, 'last\n']);
  });

  it('hands over a batch a timer interval after its first line', async () => {
    const dest = collector();
    const batch = new LineBatch(dest, 4096, 20);
    batch.push('a\n');
    batch.push('b\n');
    assert.equal(dest.writes.length, 0);
    await sleep(80);
    assert.deepEqual(dest.writes.map(String), ['a\nb\n']);
    batch.handOver(); // nothing pending: nothing written
    assert.equal(dest.writes.length, 1);
  });

  it('holds at most twice the bytes it hands over: a small batch leaves in memory of its own size', () => {
    const kept: Buffer[] = [];
    const batch = new LineBatch({ write: (b: Buffer) => kept.push(b) }, 64 * 1024, 60_000);
    batch.push('a short line\n');
    batch.handOver();
    assert.equal(kept[0]!.buffer.byteLength, 'a short line\n'.length);
    for (let i = 0; i < 600; i++) batch.push('x'.repeat(299) + '\n');
    for (const b of kept.slice(1)) assert.ok(b.buffer.byteLength <= 2 * b.length, `${b.length} bytes held in ${b.buffer.byteLength}`);
    assert.ok(kept.length > 1);
  });

  it('never reuses a Buffer it handed over', () => {
    const kept: Buffer[] = [];
    const batch = new LineBatch({ write: (b: Buffer) => kept.push(b) }, 64, 60_000);
    batch.push('one\n'); // a small batch: copied out
    batch.handOver();
    batch.push('two\n');
    batch.handOver();
    batch.push('a line of more than half of the batch\n'); // a full one: handed over as it is
    batch.handOver();
    batch.push('three\n');
    batch.handOver();
    assert.deepEqual(kept.map(String), ['one\n', 'two\n', 'a line of more than half of the batch\n', 'three\n']);
  });
});
