// ResponseWriter under QUIC flow control, deterministically: a scripted QuicConnection accepts a
// seeded-random number of bytes per streamSend (0, a few, or a lot), as quiche does when windows and
// the congestion window run out, and signals writability as the engine would. The bytes it accepted
// are parsed back as HTTP/3 frames. Two bugs found with curl lived exactly here: a DATA frame header
// written short lost the chunk after it (the body came out corrupt), and a FIN sent alone after the
// last DATA frame, which quiche 0.18 sometimes never puts on the wire (the download then hangs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { CoreResponse } from '../../src/core/contract.js';
import type { QuicConnection } from '../../src/h3/quic/engine.js';
import { ResponseWriter, type WriteOutcome } from '../../src/h3/response-writer.js';
import { FrameReader } from '../../src/h3/wire/frame-reader.js';
import { FrameType } from '../../src/h3/wire/frame-types.js';
import { tempRoot } from './support.js';

/** mulberry32: a small seeded generator, so a failing budget sequence can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Wire {
  bytes: Buffer[];
  /** Length of each write that carried the FIN (accepted with fin=true). */
  finWrites: number[];
}

/** A QuicConnection that takes a random share of each write and reports writability on the next turn. */
function flowControlled(seed: number, wire: Wire, writable: () => void): QuicConnection {
  const next = rng(seed);
  let scheduled = false;
  const budget = (): number => {
    const r = next();
    if (r < 0.2) return 0;
    if (r < 0.5) return Math.floor(next() * 8); // splits DATA frame headers
    return Math.floor(next() * 100_000);
  };
  return {
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    serverName: '',
    streamSend(_id, data, fin) {
      const n = Math.min(data.byteLength, budget());
      if (n > 0) wire.bytes.push(Buffer.from(data.subarray(0, n)));
      if (fin && n === data.byteLength) wire.finWrites.push(n);
      if (n < data.byteLength && !scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          writable();
        });
      }
      return n;
    },
    streamShutdown() {},
    streamResumeRead() {},
    openUniStream: () => -1,
    close() {},
  };
}

/** Writes `res` through a flow-controlled connection: the outcome, the first frame type, the DATA bytes. */
async function writeThrough(seed: number, res: CoreResponse): Promise<{ outcome: WriteOutcome; first: number; body: Buffer; wire: Wire }> {
  const wire: Wire = { bytes: [], finWrites: [] };
  let writer: ResponseWriter | undefined;
  const conn = flowControlled(seed, wire, () => writer?.onWritable());
  const outcome = await new Promise<WriteOutcome>((resolve) => {
    writer = new ResponseWriter(conn, 0, resolve);
    writer.write(res, false);
  });
  // The request-stream reader's placement rules hold for a response too: HEADERS, then DATA.
  const reader = new FrameReader({ stream: 'request' });
  for (const b of wire.bytes) reader.push(b);
  let first = -1;
  const body: Buffer[] = [];
  for (let f = reader.next(); f !== null; f = reader.next()) {
    if (first < 0) first = f.type;
    if (f.type === FrameType.DATA) body.push(Buffer.from(f.payload));
  }
  reader.finish(); // throws if the stream ended inside a frame
  return { outcome, first, body: Buffer.concat(body), wire };
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

test('a file body survives every short-write pattern byte for byte, FIN on its last DATA frame', async () => {
  const content = randomBytes(300_000);
  const root = await tempRoot({ 'f.bin': content });
  try {
    for (const seed of SEEDS) {
      const res: CoreResponse = { status: 200, headers: { 'content-length': content.length }, body: { kind: 'file', path: `${root.dir}/f.bin`, start: 0, end: content.length } };
      const { outcome, first, body, wire } = await writeThrough(seed, res);
      assert.deepEqual(outcome, { bytesSent: content.length, complete: true }, `seed ${seed}`);
      assert.equal(first, FrameType.HEADERS);
      assert.ok(body.equals(content), `seed ${seed}: body differs`);
      assert.equal(wire.finWrites.length, 1, `seed ${seed}: one write carries the FIN`);
      assert.ok(wire.finWrites[0]! > 0, `seed ${seed}: the FIN came alone, after the data`);
    }
  } finally {
    await root.remove();
  }
});

test('a streamed body with Content-Length: FIN on its last DATA frame; without one, FIN after it', async () => {
  const chunks = Array.from({ length: 20 }, () => randomBytes(20_000));
  const content = Buffer.concat(chunks);
  for (const seed of SEEDS) {
    const known = await writeThrough(seed, { status: 200, headers: { 'content-length': String(content.length) }, body: { kind: 'stream', stream: Readable.from(chunks) } });
    assert.ok(known.body.equals(content), `seed ${seed}: body differs`);
    assert.ok(known.wire.finWrites[0]! > 0, `seed ${seed}: FIN alone despite a known length`);
    const unknown = await writeThrough(seed, { status: 200, headers: {}, body: { kind: 'stream', stream: Readable.from(chunks) } });
    assert.ok(unknown.body.equals(content), `seed ${seed}: body differs`);
    assert.deepEqual(unknown.outcome, { bytesSent: content.length, complete: true });
  }
});

test('a streamed body shorter than its Content-Length is reset, not ended as if complete', async () => {
  const fins: boolean[] = [];
  const resets: string[] = [];
  const conn: QuicConnection = {
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    serverName: '',
    streamSend: (_id, data, fin) => (fins.push(fin), data.byteLength),
    streamShutdown: (_id, direction) => void resets.push(direction),
    streamResumeRead() {},
    openUniStream: () => -1,
    close() {},
  };
  const outcome = await new Promise<WriteOutcome>((resolve) => {
    const short: CoreResponse = { status: 200, headers: { 'content-length': 5000 }, body: { kind: 'stream', stream: Readable.from([randomBytes(1000)]) } };
    new ResponseWriter(conn, 0, resolve).write(short, false);
  });
  assert.equal(outcome.complete, false);
  assert.ok(!fins.includes(true), 'no FIN');
  assert.deepEqual(resets, ['write']);
});
