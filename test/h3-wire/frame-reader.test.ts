// FrameReader: same frames whatever the chunking (byte by byte, random splits), DATA streamed
// without buffering, unknown frames skipped, and every placement/size error with its exact code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldSectionTooLargeError, H3Code, H3Error } from '../../src/h3/wire/error-codes.js';
import {
  encodeFrame,
  encodeFrameHeader,
  encodeGoaway,
  encodeSettings,
  FrameReader,
  FrameType,
  type FrameStreamKind,
} from '../../src/h3/wire/frames.js';

interface Frame {
  type: number;
  payload: string; // hex
}

const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Drains the reader after each chunk; DATA pieces are joined back into whole frames. */
function collect(reader: FrameReader, chunks: Uint8Array[]): Frame[] {
  const frames: Frame[] = [];
  let data: Uint8Array[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    for (let ev = reader.next(); ev !== null; ev = reader.next()) {
      if (ev.type !== FrameType.DATA) {
        frames.push({ type: ev.type, payload: hexOf(ev.payload) });
        continue;
      }
      data.push(Uint8Array.from(ev.payload));
      if (ev.last) {
        frames.push({ type: FrameType.DATA, payload: hexOf(concat(data)) });
        data = [];
      }
    }
  }
  return frames;
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

const bytesArb = (max: number) => fc.uint8Array({ maxLength: max });
// Unknown frame types: grease, extension-looking, and one beyond 2^53 (8-byte varint).
const unknownFrameArb = fc
  .record({ type: fc.constantFrom(0x21, 0x40, 0xa, 0xc, 0x1f * 1000 + 0x21, 2 ** 40), payload: bytesArb(40) })
  .map(({ type, payload }) => encodeFrame(type, payload));

/** A valid request stream: unknown frames anywhere, HEADERS, DATA*, optional trailers. */
const requestStreamArb = fc
  .record({
    headers: bytesArb(60),
    data: fc.array(bytesArb(300), { maxLength: 6 }),
    trailers: fc.option(bytesArb(30), { nil: undefined }),
    noise: fc.array(fc.tuple(fc.nat(10), unknownFrameArb), { maxLength: 4 }),
  })
  .map(({ headers, data, trailers, noise }) => {
    const frames = [encodeFrame(FrameType.HEADERS, headers), ...data.map((d) => encodeFrame(FrameType.DATA, d))];
    if (trailers !== undefined) frames.push(encodeFrame(FrameType.HEADERS, trailers));
    const expected: Frame[] = [
      { type: FrameType.HEADERS, payload: hexOf(headers) },
      ...data.map((d) => ({ type: FrameType.DATA, payload: hexOf(d) })),
      ...(trailers !== undefined ? [{ type: FrameType.HEADERS, payload: hexOf(trailers) }] : []),
    ];
    const wire = [...frames];
    for (const [at, frame] of noise) wire.splice(at % (wire.length + 1), 0, frame);
    return { bytes: concat(wire), expected };
  });

test('property: whole, byte-by-byte and random splits yield the same request frames', () => {
  fc.assert(
    fc.property(requestStreamArb, fc.array(fc.nat(), { maxLength: 12 }), ({ bytes, expected }, cuts) => {
      const whole = collect(new FrameReader({ stream: 'request' }), [bytes]);
      assert.deepEqual(whole, expected);
      const single = [...bytes].map((b) => Uint8Array.of(b));
      assert.deepEqual(collect(new FrameReader({ stream: 'request' }), single), expected);
      assert.deepEqual(collect(new FrameReader({ stream: 'request' }), splitAt(bytes, cuts)), expected);
    }),
    { numRuns: 300 },
  );
});

test('property: control stream frames survive any chunking', () => {
  const controlArb = fc
    .record({
      settings: fc.uniqueArray(fc.tuple(fc.integer({ min: 6, max: 5000 }), fc.nat()), { selector: (p) => p[0], maxLength: 6 }),
      goaways: fc.array(fc.nat(), { maxLength: 3 }),
    })
    .map(({ settings, goaways }) => ({
      bytes: concat([encodeSettings(settings), ...goaways.map((id) => encodeGoaway(id))]),
      count: 1 + goaways.length,
    }));
  fc.assert(
    fc.property(controlArb, fc.array(fc.nat(), { maxLength: 8 }), ({ bytes, count }, cuts) => {
      const whole = collect(new FrameReader({ stream: 'control' }), [bytes]);
      assert.equal(whole.length, count);
      assert.deepEqual(collect(new FrameReader({ stream: 'control' }), splitAt(bytes, cuts)), whole);
      assert.deepEqual(collect(new FrameReader({ stream: 'control' }), [...bytes].map((b) => Uint8Array.of(b))), whole);
    }),
    { numRuns: 200 },
  );
});

test('DATA is streamed as it arrives: a 1 GiB frame is never buffered', () => {
  const reader = new FrameReader({ stream: 'request' });
  reader.push(encodeFrame(FrameType.HEADERS, Uint8Array.of(0, 0)));
  assert.equal(reader.next()?.type, FrameType.HEADERS);
  const total = 2 ** 30;
  reader.push(encodeFrameHeader(FrameType.DATA, total));
  assert.equal(reader.next(), null);
  const chunk = new Uint8Array(64 * 1024);
  let received = 0;
  // 64 pieces of the frame stand for the rest: each comes back at once, as a view of the chunk.
  for (let i = 0; i < 64; i++) {
    reader.push(chunk);
    const ev = reader.next();
    assert.ok(ev !== null);
    assert.equal(ev.type, FrameType.DATA);
    assert.equal(ev.payload.buffer, chunk.buffer);
    assert.equal(ev.payload.length, chunk.length);
    assert.equal(ev.last, false);
    received += ev.payload.length;
    assert.equal(reader.buffered, 0);
    assert.equal(reader.next(), null);
  }
  assert.equal(received, 64 * chunk.length);
});

test('a DATA piece ends exactly at the frame boundary; the next frame follows in the same chunk', () => {
  const reader = new FrameReader({ stream: 'request' });
  const bytes = concat([
    encodeFrame(FrameType.HEADERS, Uint8Array.of(0, 0)),
    encodeFrame(FrameType.DATA, Uint8Array.of(1, 2, 3)),
    encodeFrame(FrameType.DATA, new Uint8Array(0)),
    encodeFrame(FrameType.HEADERS, Uint8Array.of(0, 0, 0x51)),
  ]);
  reader.push(bytes);
  const seen: Array<[number, string, boolean]> = [];
  for (let ev = reader.next(); ev !== null; ev = reader.next()) seen.push([ev.type, hexOf(ev.payload), ev.last]);
  assert.deepEqual(seen, [
    [FrameType.HEADERS, '0000', true],
    [FrameType.DATA, '010203', true],
    [FrameType.DATA, '', true],
    [FrameType.HEADERS, '000051', true],
  ]);
  reader.finish();
});

test('unknown frames are skipped as they arrive, without buffering, whatever their size', () => {
  const reader = new FrameReader({ stream: 'request', maxFrameSize: 16 });
  reader.push(encodeFrameHeader(0x21, 10_000_000));
  for (let i = 0; i < 100; i++) {
    reader.push(new Uint8Array(100_000));
    assert.equal(reader.next(), null);
    assert.equal(reader.buffered, 0);
  }
  reader.push(encodeFrame(FrameType.HEADERS, Uint8Array.of(0, 0)));
  assert.equal(reader.next()?.type, FrameType.HEADERS);
});

test('a buffered frame split across chunks is assembled; one inside a chunk is a view of it', () => {
  const frame = encodeFrame(FrameType.HEADERS, Uint8Array.from({ length: 100 }, (_, i) => i));
  const reader = new FrameReader({ stream: 'request' });
  reader.push(frame);
  const ev = reader.next();
  assert.equal(ev?.payload.buffer, frame.buffer);
  const split = new FrameReader({ stream: 'request' });
  split.push(frame.subarray(0, 50));
  assert.equal(split.next(), null);
  split.push(frame.subarray(50));
  assert.equal(hexOf(split.next()!.payload), hexOf(frame.subarray(frame.length - 100)));
});

const settings = encodeSettings([[0x6, 1000]]);
const headers = encodeFrame(FrameType.HEADERS, Uint8Array.of(0, 0));
const frame = (type: number, payload: number[] = []): Uint8Array => encodeFrame(type, Uint8Array.from(payload));

interface ErrorCase {
  name: string;
  stream: FrameStreamKind;
  bytes: Uint8Array[];
  code: number;
  scope: 'stream' | 'connection';
  maxFrameSize?: number;
  finish?: boolean;
}

const errorCases: ErrorCase[] = [
  { name: 'DATA before HEADERS', stream: 'request', bytes: [frame(FrameType.DATA, [1])], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'empty DATA before HEADERS', stream: 'request', bytes: [frame(FrameType.DATA)], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'DATA after trailers', stream: 'request', bytes: [headers, headers, frame(FrameType.DATA, [1])], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'HEADERS after trailers', stream: 'request', bytes: [headers, headers, headers], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'SETTINGS on a request stream', stream: 'request', bytes: [settings], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'GOAWAY on a request stream', stream: 'request', bytes: [headers, encodeGoaway(0)], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'MAX_PUSH_ID on a request stream', stream: 'request', bytes: [frame(FrameType.MAX_PUSH_ID, [0])], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'CANCEL_PUSH on a request stream', stream: 'request', bytes: [frame(FrameType.CANCEL_PUSH, [0])], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'PUSH_PROMISE from a client', stream: 'request', bytes: [headers, frame(FrameType.PUSH_PROMISE, [0, 0, 0])], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  ...[0x2, 0x6, 0x8, 0x9].map((type): ErrorCase => ({ name: `reserved HTTP/2 type 0x${type} on a request stream`, stream: 'request', bytes: [headers, frame(type, [0])], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' })),
  ...[0x2, 0x6, 0x8, 0x9].map((type): ErrorCase => ({ name: `reserved HTTP/2 type 0x${type} on the control stream`, stream: 'control', bytes: [settings, frame(type)], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' })),
  { name: 'control stream starting with GOAWAY', stream: 'control', bytes: [encodeGoaway(0)], code: H3Code.H3_MISSING_SETTINGS, scope: 'connection' },
  { name: 'control stream starting with a grease frame', stream: 'control', bytes: [frame(0x21)], code: H3Code.H3_MISSING_SETTINGS, scope: 'connection' },
  { name: 'second SETTINGS', stream: 'control', bytes: [settings, settings], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'DATA on the control stream', stream: 'control', bytes: [settings, frame(FrameType.DATA, [1])], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'HEADERS on the control stream', stream: 'control', bytes: [settings, headers], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'PUSH_PROMISE on the control stream', stream: 'control', bytes: [settings, frame(FrameType.PUSH_PROMISE, [0])], code: H3Code.H3_FRAME_UNEXPECTED, scope: 'connection' },
  { name: 'SETTINGS larger than maxFrameSize', stream: 'control', bytes: [encodeFrameHeader(FrameType.SETTINGS, 65)], maxFrameSize: 64, code: H3Code.H3_EXCESSIVE_LOAD, scope: 'connection' },
  { name: 'HEADERS larger than maxFrameSize', stream: 'request', bytes: [encodeFrameHeader(FrameType.HEADERS, 2 ** 40)], maxFrameSize: 64, code: H3Code.H3_EXCESSIVE_LOAD, scope: 'stream' },
  { name: 'frame length above 2^53-1', stream: 'request', bytes: [Uint8Array.of(0x21, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)], code: H3Code.H3_EXCESSIVE_LOAD, scope: 'connection' },
  { name: 'FIN on the control stream', stream: 'control', bytes: [settings], finish: true, code: H3Code.H3_CLOSED_CRITICAL_STREAM, scope: 'connection' },
  { name: 'FIN inside a frame header', stream: 'request', bytes: [headers, Uint8Array.of(0x00)], finish: true, code: H3Code.H3_FRAME_ERROR, scope: 'connection' },
  { name: 'FIN inside a DATA payload', stream: 'request', bytes: [headers, frame(FrameType.DATA, [1, 2, 3]).subarray(0, 3)], finish: true, code: H3Code.H3_FRAME_ERROR, scope: 'connection' },
  { name: 'FIN inside a HEADERS payload', stream: 'request', bytes: [headers.subarray(0, 3)], finish: true, code: H3Code.H3_FRAME_ERROR, scope: 'connection' },
  { name: 'FIN inside an unknown frame', stream: 'request', bytes: [headers, encodeFrameHeader(0x21, 5)], finish: true, code: H3Code.H3_FRAME_ERROR, scope: 'connection' },
  { name: 'FIN before HEADERS', stream: 'request', bytes: [frame(0x21, [1])], finish: true, code: H3Code.H3_REQUEST_INCOMPLETE, scope: 'stream' },
];

for (const c of errorCases) {
  test(`error: ${c.name} → ${c.code.toString(16)} (${c.scope})`, () => {
    const reader = new FrameReader({ stream: c.stream, maxFrameSize: c.maxFrameSize });
    const run = (): void => {
      for (const chunk of c.bytes) {
        reader.push(chunk);
        while (reader.next() !== null);
      }
      if (c.finish) reader.finish();
    };
    assert.throws(run, (err: unknown) => {
      assert.ok(err instanceof H3Error, String(err));
      assert.equal(err.code, c.code, err.message);
      assert.equal(err.scope, c.scope);
      return true;
    });
    // The reader stays failed with the same error.
    assert.throws(() => reader.next(), (err: unknown) => err instanceof H3Error && err.code === c.code);
  });
}

test('a too-large HEADERS frame is a FieldSectionTooLargeError the caller can answer with 431', () => {
  const reader = new FrameReader({ stream: 'request', maxFrameSize: 10 });
  reader.push(encodeFrameHeader(FrameType.HEADERS, 11));
  assert.throws(() => reader.next(), (err: unknown) => err instanceof FieldSectionTooLargeError && err.limit === 10);
});

test('control stream: SETTINGS then GOAWAY, MAX_PUSH_ID, CANCEL_PUSH and unknown frames are yielded/skipped', () => {
  const reader = new FrameReader({ stream: 'control' });
  const types = collect(reader, [
    concat([settings, frame(0x21, [9]), frame(0xc, [1, 2]), encodeGoaway(4), frame(FrameType.MAX_PUSH_ID, [3]), frame(FrameType.CANCEL_PUSH, [1])]),
  ]).map((f) => f.type);
  assert.deepEqual(types, [FrameType.SETTINGS, FrameType.GOAWAY, FrameType.MAX_PUSH_ID, FrameType.CANCEL_PUSH]);
});

test('a clean request stream (HEADERS only, or with body and trailers) finishes without error', () => {
  for (const parts of [[headers], [headers, frame(FrameType.DATA, [1]), headers], [frame(0x21), headers, frame(0x40)]]) {
    const reader = new FrameReader({ stream: 'request' });
    collect(reader, parts);
    reader.finish();
  }
});
