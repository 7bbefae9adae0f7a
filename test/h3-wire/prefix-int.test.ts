// QPACK/HPACK prefixed integers (RFC 7541 §5.1, C.1 examples; RFC 9204 §4.1.1 62-bit bound).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PREFIX_INT_INCOMPLETE, PREFIX_INT_MALFORMED, readPrefixInt, writePrefixInt } from '../../src/h3/qpack/prefix-int.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

test('RFC 7541 C.1: 10 and 1337 on a 5-bit prefix, 42 on 8 bits', () => {
  const out = new Uint8Array(8);
  assert.deepEqual(out.subarray(0, writePrefixInt(out, 0, 5, 0xe0, 10)), hex('ea'));
  assert.deepEqual(out.subarray(0, writePrefixInt(out, 0, 5, 0, 1337)), hex('1f9a0a'));
  assert.deepEqual(out.subarray(0, writePrefixInt(out, 0, 8, 0, 42)), hex('2a'));
  const cursor = { value: 0 };
  assert.equal(readPrefixInt(hex('ea'), 0, 1, 5, cursor), 1);
  assert.equal(cursor.value, 10);
  assert.equal(readPrefixInt(hex('1f9a0a'), 0, 3, 5, cursor), 3);
  assert.equal(cursor.value, 1337);
});

test('incomplete and over-long integers are reported, not misread', () => {
  const cursor = { value: 0 };
  assert.equal(readPrefixInt(hex(''), 0, 0, 5, cursor), PREFIX_INT_INCOMPLETE);
  assert.equal(readPrefixInt(hex('1f9a'), 0, 2, 5, cursor), PREFIX_INT_INCOMPLETE);
  // 2^62 - 1 with a 6-bit prefix: 63 + 9 continuation bytes is the longest valid form.
  assert.ok(readPrefixInt(hex('3f c0ffffffffffffff 3f'), 0, 10, 6, cursor) > 0);
  assert.equal(readPrefixInt(hex('3f 80808080808080808001'), 0, 11, 6, cursor), PREFIX_INT_MALFORMED);
});

test('property: write → read round trip for every prefix size', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.nat({ max: 2 ** 32 - 1 }), (prefix, value) => {
      const out = new Uint8Array(8);
      const end = writePrefixInt(out, 0, prefix, 0, value);
      const cursor = { value: -1 };
      assert.equal(readPrefixInt(out, 0, end, prefix, cursor), end);
      assert.equal(cursor.value, value);
    }),
    { numRuns: 1000 },
  );
});
