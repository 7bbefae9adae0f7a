// ResponseWriter under QUIC flow control, as a property (fast-check): a scripted QuicConnection
// accepts a generated number of bytes per streamSend (0, a few, or many), as quiche does when the
// flow-control and congestion windows run out, and signals writability as the engine would. The
// bytes it accepted are parsed back as HTTP/3 frames. Two bugs found with curl lived exactly here: a
// DATA frame header written short lost the chunk after it (the body came out corrupt), and a FIN sent
// alone after the last DATA frame, which quiche 0.18 sometimes never puts on the wire (the download
// then hangs until the idle timeout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { CoreResponse } from '../../src/core/contract.js';
import type { QuicConnection } from '../../src/h3/quic/engine.js';
import { ResponseWriter, type WriteOutcome } from '../../src/h3/response-writer.js';
import { FrameReader } from '../../src/h3/wire/frame-reader.js';
import { FrameType } from '../../src/h3/wire/frame-types.js';
import { tempRoot } from './support.js';

interface Wire {
  bytes: Buffer[];
  /** Length of each write that carried the FIN (accepted with fin=true). */
  finWrites: number[];
}

/** Bytes accepted per write, cycled: 0 (blocked), 1-8 (splits DATA frame headers), or up to 100 kB. */
const budgets = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 9, max: 100_000 })), { minLength: 1, maxLength: 40 });

/** A QuicConnection that takes the scripted share of each write and reports writability on the next turn. */
function flowControlled(script: readonly number[], wire: Wire, writable: () => void): QuicConnection {
  let i = 0;
  let scheduled = false;
  // Every fourth write takes at least 16 KiB, so that even a script of zeros makes progress.
  const budget = (): number => {
    const b = script[i % script.length]!;
    return ++i % 4 === 0 ? Math.max(b, 16_384) : b;
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
    streamSettled: () => true,
    openUniStream: () => -1,
    ping() {},
    close() {},
  };
}

/** Writes `res` through a flow-controlled connection: the outcome, the first frame type, the DATA bytes. */
async function writeThrough(script: readonly number[], res: CoreResponse): Promise<{ outcome: WriteOutcome; first: number; body: Buffer; wire: Wire }> {
  const wire: Wire = { bytes: [], finWrites: [] };
  let writer: ResponseWriter | undefined;
  const conn = flowControlled(script, wire, () => writer?.onWritable());
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

test('a file body survives every short-write pattern byte for byte, FIN on its last DATA frame', async () => {
  const content = randomBytes(300_000);
  const root = await tempRoot({ 'f.bin': content });
  try {
    await fc.assert(
      fc.asyncProperty(budgets, async (script) => {
        const handle = await open(`${root.dir}/f.bin`, 'r');
        const res: CoreResponse = { status: 200, headers: { 'content-length': content.length }, body: { kind: 'file', handle, start: 0, end: content.length } };
        const { outcome, first, body, wire } = await writeThrough(script, res);
        assert.deepEqual(outcome, { bytesSent: content.length, complete: true });
        assert.equal(first, FrameType.HEADERS);
        assert.ok(body.equals(content), 'body differs');
        assert.equal(wire.finWrites.length, 1, 'one write carries the FIN');
        assert.ok(wire.finWrites[0]! > 0, 'the FIN came alone, after the data');
      }),
      { numRuns: 25 },
    );
  } finally {
    await root.remove();
  }
});

test('a streamed body with Content-Length: FIN on its last DATA frame; without one, complete too', async () => {
  const chunks = Array.from({ length: 20 }, () => randomBytes(20_000));
  const content = Buffer.concat(chunks);
  await fc.assert(
    fc.asyncProperty(budgets, async (script) => {
      const known = await writeThrough(script, { status: 200, headers: { 'content-length': String(content.length) }, body: { kind: 'stream', stream: Readable.from(chunks) } });
      assert.ok(known.body.equals(content), 'body differs');
      assert.ok(known.wire.finWrites[0]! > 0, 'FIN alone despite a known length');
      const unknown = await writeThrough(script, { status: 200, headers: {}, body: { kind: 'stream', stream: Readable.from(chunks) } });
      assert.ok(unknown.body.equals(content), 'body differs');
      assert.deepEqual(unknown.outcome, { bytesSent: content.length, complete: true });
    }),
    { numRuns: 25 },
  );
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
    streamSettled: () => true,
    openUniStream: () => -1,
    ping() {},
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

test('HEAD with a streamed body: HEADERS with the FIN, and the unsent stream is released', async () => {
  const wire: Wire = { bytes: [], finWrites: [] };
  const source = new Readable({ read() {} });
  const outcome = await new Promise<WriteOutcome>((resolve) => {
    new ResponseWriter(flowControlled([100_000], wire, () => {}), 0, resolve).write({ status: 200, headers: {}, body: { kind: 'stream', stream: source } }, true);
  });
  assert.deepEqual(outcome, { bytesSent: 0, complete: true });
  assert.equal(wire.finWrites.length, 1);
  assert.ok(source.destroyed, 'the body stream was destroyed');
});
