// QUIC variable-length integers: RFC 9000 Appendix A.1 vectors, the 2^53 boundary, incremental
// reads, and a write→read round trip over the whole safe range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  encodeVarint,
  readVarint,
  VARINT_INCOMPLETE,
  VARINT_TOO_LARGE,
  VarintCursor,
  varintSize,
  writeVarint,
} from '../../src/h3/wire/varint.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

test('RFC 9000 A.1 sample decodings', () => {
  const cursor = new VarintCursor();
  const cases: Array<[string, number]> = [
    ['9d7f3e7d', 494878333],
    ['7bbd', 15293],
    ['25', 37],
    ['4025', 37], // two-byte encoding of 37: non-minimal forms are valid
  ];
  for (const [bytes, value] of cases) {
    const buf = hex(bytes);
    assert.equal(readVarint(buf, 0, buf.length, cursor), buf.length, bytes);
    assert.equal(cursor.value, value, bytes);
  }
});

test('RFC 9000 A.1 eight-byte sample exceeds 2^53-1 and is reported, not rounded', () => {
  const buf = hex('c2197c5eff14e88c'); // 151288809941952652
  const cursor = new VarintCursor();
  cursor.value = 7;
  assert.equal(readVarint(buf, 0, buf.length, cursor), VARINT_TOO_LARGE);
  assert.equal(cursor.value, 7);
});

test('2^53-1 is the largest value read as a number', () => {
  const cursor = new VarintCursor();
  const max = encodeVarint(Number.MAX_SAFE_INTEGER);
  assert.deepEqual(max, hex('c01fffffffffffff'));
  assert.equal(readVarint(max, 0, 8, cursor), 8);
  assert.equal(cursor.value, Number.MAX_SAFE_INTEGER);
  assert.equal(readVarint(hex('c020000000000000'), 0, 8, cursor), VARINT_TOO_LARGE);
  assert.equal(readVarint(hex('ffffffffffffffff'), 0, 8, cursor), VARINT_TOO_LARGE);
});

test('encodings use the shortest form at each boundary', () => {
  const cases: Array<[number, string]> = [
    [0, '00'],
    [63, '3f'],
    [64, '4040'],
    [16383, '7fff'],
    [16384, '80004000'],
    [1073741823, 'bfffffff'],
    [1073741824, 'c000000040000000'],
  ];
  for (const [value, bytes] of cases) {
    assert.deepEqual(encodeVarint(value), hex(bytes), String(value));
    assert.equal(varintSize(value), bytes.length / 2);
  }
});

test('out-of-range values are refused by the writer', () => {
  for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity]) {
    assert.throws(() => varintSize(bad), RangeError, String(bad));
  }
  assert.throws(() => writeVarint(new Uint8Array(1), 0, 64), RangeError);
});

test('every truncated prefix reads as incomplete; offsets and ends are honoured', () => {
  const cursor = new VarintCursor();
  for (const value of [37, 15293, 494878333, 2 ** 40 + 5]) {
    const enc = encodeVarint(value);
    const padded = new Uint8Array(enc.length + 3);
    padded.set(enc, 2);
    for (let end = 2; end < 2 + enc.length; end++) {
      assert.equal(readVarint(padded, 2, end, cursor), VARINT_INCOMPLETE);
    }
    assert.equal(readVarint(padded, 2, padded.length, cursor), 2 + enc.length);
    assert.equal(cursor.value, value);
  }
});

test('property: write then read gives the value back, in varintSize bytes', () => {
  const cursor = new VarintCursor();
  fc.assert(
    fc.property(fc.maxSafeNat(), (value) => {
      const buf = new Uint8Array(9);
      const end = writeVarint(buf, 1, value);
      assert.equal(end - 1, varintSize(value));
      assert.equal(readVarint(buf, 1, end, cursor), end);
      assert.equal(cursor.value, value);
    }),
    { numRuns: 2000 },
  );
});
