// Frame encoders and payload parsers: exact bytes, round trips, and SETTINGS/GOAWAY errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { H3Code, H3Error } from '../../src/h3/wire/error-codes.js';
import {
  encodeDataFrameHeader,
  encodeFrame,
  encodeFrameHeader,
  encodeGoaway,
  encodeSettings,
  encodeStreamType,
  FrameReader,
  FrameType,
  isGreaseValue,
  parseCancelPush,
  parseGoaway,
  parseMaxPushId,
  parseSettings,
  readStreamType,
  SettingId,
  StreamType,
  UNKNOWN_LARGE_STREAM_TYPE,
} from '../../src/h3/wire/frames.js';
import { VarintCursor } from '../../src/h3/wire/varint.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The payload of `frame` as a FrameReader on a control stream yields it (after SETTINGS if needed). */
function payloadOf(frame: Uint8Array): Uint8Array {
  const reader = new FrameReader({ stream: 'control' });
  if (frame[0] !== FrameType.SETTINGS) {
    reader.push(encodeSettings([]));
    assert.equal(reader.next()?.type, FrameType.SETTINGS);
  }
  reader.push(frame);
  const ev = reader.next();
  assert.ok(ev !== null);
  return Uint8Array.from(ev.payload);
}

function expectH3(fn: () => unknown, code: number): void {
  assert.throws(fn, (err: unknown) => err instanceof H3Error && err.code === code && err.scope === 'connection');
}

test('frame headers use shortest varints', () => {
  assert.equal(hexOf(encodeDataFrameHeader(5)), '0005');
  assert.equal(hexOf(encodeDataFrameHeader(16384)), '0080004000');
  assert.equal(hexOf(encodeFrameHeader(FrameType.HEADERS, 63)), '013f');
  assert.equal(hexOf(encodeFrameHeader(0x21, 64)), '214040');
  assert.equal(hexOf(encodeFrame(FrameType.HEADERS, hex('0000d1'))), '01030000d1');
});

test('SETTINGS: exact bytes of the server preface settings', () => {
  const frame = encodeSettings([
    [SettingId.QPACK_MAX_TABLE_CAPACITY, 0],
    [SettingId.MAX_FIELD_SECTION_SIZE, 16384],
    [SettingId.QPACK_BLOCKED_STREAMS, 0],
  ]);
  assert.equal(hexOf(frame), '04090100068000400007' + '00');
});

test('SETTINGS: round trip keeps known, unknown and grease settings; defaults apply when absent', () => {
  const parsed = parseSettings(payloadOf(encodeSettings([[SettingId.MAX_FIELD_SECTION_SIZE, 8192], [0x21, 7], [0x33, 1]])));
  assert.equal(parsed.maxFieldSectionSize, 8192);
  assert.equal(parsed.qpackMaxTableCapacity, 0);
  assert.equal(parsed.qpackBlockedStreams, 0);
  assert.deepEqual([...parsed.all], [[6, 8192], [0x21, 7], [0x33, 1]]);
  const empty = parseSettings(new Uint8Array(0));
  assert.equal(empty.maxFieldSectionSize, Infinity);
  assert.equal(empty.all.size, 0);
});

test('property: SETTINGS encode → parse round trip', () => {
  const pairs = fc.uniqueArray(
    fc.tuple(fc.oneof(fc.constantFrom(1, 6, 7), fc.integer({ min: 8, max: 2 ** 40 })), fc.maxSafeNat()),
    { selector: (p) => p[0], maxLength: 10 },
  );
  fc.assert(
    fc.property(pairs, (settings) => {
      const parsed = parseSettings(payloadOf(encodeSettings(settings)));
      assert.deepEqual([...parsed.all], settings);
    }),
    { numRuns: 300 },
  );
});

test('SETTINGS: a value above 2^53-1 reads as 2^53-1; an id above 2^53-1 is ignored', () => {
  const big = 'ffffffffffffffff';
  const parsed = parseSettings(hex(`06${big}${big}05`));
  assert.equal(parsed.maxFieldSectionSize, Number.MAX_SAFE_INTEGER);
  assert.equal(parsed.all.size, 1);
});

const settingsErrors: Array<[string, string, number]> = [
  ['duplicate known id', '0601 0602', H3Code.H3_SETTINGS_ERROR],
  ['duplicate unknown id', '2101 2101', H3Code.H3_SETTINGS_ERROR],
  ['reserved HTTP/2 id 0x2 (ENABLE_PUSH)', '0200', H3Code.H3_SETTINGS_ERROR],
  ['reserved HTTP/2 id 0x3', '034064', H3Code.H3_SETTINGS_ERROR],
  ['reserved HTTP/2 id 0x4', '0400', H3Code.H3_SETTINGS_ERROR],
  ['reserved HTTP/2 id 0x5', '054000', H3Code.H3_SETTINGS_ERROR],
  ['id without value', '06', H3Code.H3_FRAME_ERROR],
  ['truncated value', '0640', H3Code.H3_FRAME_ERROR],
  ['truncated id', '0601 40', H3Code.H3_FRAME_ERROR],
];
for (const [name, bytes, code] of settingsErrors) {
  test(`SETTINGS error: ${name}`, () => expectH3(() => parseSettings(hex(bytes)), code));
}

test('encodeSettings refuses reserved and duplicate ids', () => {
  assert.throws(() => encodeSettings([[0x2, 0]]), RangeError);
  assert.throws(() => encodeSettings([[6, 1], [6, 2]]), RangeError);
});

test('GOAWAY / MAX_PUSH_ID / CANCEL_PUSH: one varint id, exactly', () => {
  assert.equal(hexOf(encodeGoaway(0)), '070100');
  assert.equal(hexOf(encodeGoaway(4000)), '0702' + '4fa0');
  for (const id of [0, 4, 63, 64, 2 ** 30, 2 ** 50]) assert.equal(parseGoaway(payloadOf(encodeGoaway(id))), id);
  assert.equal(parseMaxPushId(hex('4004')), 4);
  assert.equal(parseCancelPush(hex('00')), 0);
  assert.equal(parseGoaway(hex('ffffffffffffffff')), Number.MAX_SAFE_INTEGER);
  for (const parse of [parseGoaway, parseMaxPushId, parseCancelPush]) {
    expectH3(() => parse(new Uint8Array(0)), H3Code.H3_FRAME_ERROR);
    expectH3(() => parse(hex('0000')), H3Code.H3_FRAME_ERROR);
    expectH3(() => parse(hex('40')), H3Code.H3_FRAME_ERROR);
  }
});

test('stream types: encoding and reading, including grease beyond 2^53', () => {
  assert.equal(hexOf(encodeStreamType(StreamType.CONTROL)), '00');
  assert.equal(hexOf(encodeStreamType(StreamType.QPACK_DECODER)), '03');
  const cursor = new VarintCursor();
  assert.equal(readStreamType(hex('02'), 0, 1, cursor), 1);
  assert.equal(cursor.value, StreamType.QPACK_ENCODER);
  assert.equal(readStreamType(hex('ffffffffffffffff01'), 0, 9, cursor), 8);
  assert.equal(cursor.value, UNKNOWN_LARGE_STREAM_TYPE);
  assert.equal(readStreamType(hex('40'), 0, 1, cursor), -1);
});

test('grease values are 0x1f * N + 0x21', () => {
  assert.ok(isGreaseValue(0x21));
  assert.ok(isGreaseValue(0x40));
  assert.ok(isGreaseValue(0x1f * 12345 + 0x21));
  assert.ok(!isGreaseValue(0x20));
  assert.ok(!isGreaseValue(0x22));
  assert.ok(!isGreaseValue(0));
});
