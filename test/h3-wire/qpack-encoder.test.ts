// QPACK encoding without a dynamic table: exact bytes for each representation choice, response
// heads (connection-specific fields dropped), refusals, and encode→decode round trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeFieldSection } from '../../src/h3/qpack/decoder.js';
import { encodeFieldSection, encodeResponseHead } from '../../src/h3/qpack/encoder.js';
import { STATIC_TABLE } from '../../src/h3/qpack/static-table.js';

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('exact static matches are one-byte (or two-byte) indexed field lines', () => {
  assert.equal(hexOf(encodeFieldSection([':status', '200'])), '0000d9'); // index 25
  assert.equal(hexOf(encodeFieldSection(['content-type', 'text/html; charset=utf-8'])), '0000f4'); // index 52
  assert.equal(hexOf(encodeFieldSection(['x-frame-options', 'sameorigin'])), '0000ff23'); // 63 + 35 = 98
});

test('static names with other values use the lowest name index and a literal value', () => {
  // :status 418 → name ref 24 (0x5f 0x09), value '418' raw (Huffman would not be shorter).
  assert.equal(hexOf(encodeFieldSection([':status', '418'])), '00005f0903343138');
  // content-length 1234 → name ref 4 (0x54), value Huffman-coded in 3 bytes (0x83).
  const bytes = encodeFieldSection(['content-length', '1234']);
  assert.equal(hexOf(bytes.subarray(0, 4)), '00005483');
  assert.equal(bytes.length, 7);
});

test('unknown names are literal names, Huffman-coded when shorter', () => {
  // 'x-a' raw (Huffman is 3 bytes too), 'b' raw.
  assert.equal(hexOf(encodeFieldSection(['x-a', 'b'])), '0000' + '23782d61' + '0162');
  // A lower-case name Huffman-codes shorter: H bit (0x08) set in the first byte.
  const bytes = encodeFieldSection(['x-request-id', 'abc']);
  assert.equal(bytes[2] & 0xf8, 0x28);
});

test('names are lower-cased', () => {
  assert.deepEqual(decodeFieldSection(encodeFieldSection(['Content-Type', 'text/css', 'X-Foo', 'v']), Infinity), [
    'content-type', 'text/css', 'x-foo', 'v',
  ]);
});

test('encodeResponseHead: status first, arrays repeated, numbers written, hop-by-hop fields dropped', () => {
  const block = encodeResponseHead(200, {
    'Content-Type': 'text/plain',
    'content-length': 5,
    'set-cookie': ['a=1', 'b=2'],
    connection: 'keep-alive',
    'keep-alive': 'timeout=5',
    'transfer-encoding': 'chunked',
    upgrade: 'h2c',
    'proxy-connection': 'x',
    vary: 'origin',
  });
  assert.deepEqual(decodeFieldSection(block, Infinity), [
    ':status', '200',
    'content-type', 'text/plain',
    'content-length', '5',
    'set-cookie', 'a=1',
    'set-cookie', 'b=2',
    'vary', 'origin',
  ]);
  assert.equal(hexOf(encodeResponseHead(404, {})), '0000db');
});

test('encodeResponseHead drops a connection-specific field even after encodeFieldSection wrote that name', () => {
  // encodeFieldSection encodes whatever it is given; what it writes must not teach the response path
  // that `connection` is an ordinary name.
  encodeFieldSection(['connection', 'close', 'keep-alive', 'timeout=5']);
  encodeFieldSection(['connection', 'close', 'keep-alive', 'timeout=5']);
  const block = encodeResponseHead(200, { connection: 'close', 'Keep-Alive': 'timeout=5', 'content-length': 0 });
  assert.deepEqual(decodeFieldSection(block, Infinity), [':status', '200', 'content-length', '0']);
});

test('invalid input is a TypeError, never bytes on the wire', () => {
  const bad: Array<() => unknown> = [
    () => encodeFieldSection(['a']),
    () => encodeFieldSection(['', 'v']),
    () => encodeFieldSection(['bad name', 'v']),
    () => encodeFieldSection(['x', 'a\r\nb: c']),
    () => encodeFieldSection(['x', 'nul\0']),
    () => encodeFieldSection(['x', '\u0100']),
    () => encodeResponseHead(200, { ':path': '/' }),
    () => encodeResponseHead(99, {}),
    () => encodeResponseHead(200.5, {}),
  ];
  for (const fn of bad) assert.throws(fn, TypeError);
});

const nameArb = fc.oneof(
  fc.constantFrom(...STATIC_TABLE.map(([name]) => name)),
  fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,20}$/),
);
const valueArb = fc.oneof(
  fc.constantFrom(...STATIC_TABLE.map(([, value]) => value)),
  fc.string({ unit: fc.integer({ min: 1, max: 255 }).filter((c) => c !== 10 && c !== 13).map((c) => String.fromCharCode(c)), maxLength: 60 }),
);

test('property: encodeFieldSection → decodeFieldSection is the identity', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(nameArb, valueArb), { maxLength: 30 }), (pairs) => {
      const flat = pairs.flat();
      assert.deepEqual(decodeFieldSection(encodeFieldSection(flat), Infinity), flat);
    }),
    { numRuns: 500 },
  );
});

test('large sections grow the scratch buffer and still round-trip', () => {
  const flat = ['x-big', 'v'.repeat(100_000), 'x-other', 'w'.repeat(5000)];
  assert.deepEqual(decodeFieldSection(encodeFieldSection(flat), Infinity), flat);
  // Results are independent copies: a later encode does not change an earlier result.
  const first = encodeFieldSection([':status', '200']);
  encodeFieldSection([':status', '500']);
  assert.equal(hexOf(first), '0000d9');
});

test('repeated fields are re-used from the last encoding, changing ones re-encoded, both decode exactly', () => {
  // Constant fields (remembered), a field that changes every time (volatile after a few misses), a
  // field that alternates between two values, and the same name in another case.
  for (let i = 0; i < 20; i++) {
    const headers = {
      'x-content-type-options': 'nosniff',
      'x-request-id': `req-${i}`,
      'cache-control': i % 2 === 0 ? 'no-store' : 'public, max-age=60',
      'X-Custom': 'same',
    };
    const fields = decodeFieldSection(encodeResponseHead(200, headers), 1 << 16);
    assert.deepEqual(
      fields,
      [':status', '200', 'x-content-type-options', 'nosniff', 'x-request-id', `req-${i}`, 'cache-control', headers['cache-control'], 'x-custom', 'same'],
    );
  }
  // A static-table name with changing values keeps its exact entries: `:status` 200 is one byte (0xd9).
  for (const status of [200, 304, 404, 500, 206, 200, 302, 200]) encodeResponseHead(status, {});
  assert.equal(hexOf(encodeResponseHead(200, {})), '0000d9');
  // A volatile name (x-request-id and cache-control above) still has each new value checked.
  assert.throws(() => encodeResponseHead(200, { 'x-request-id': 'bad\r\nvalue' }), TypeError);
  assert.throws(() => encodeResponseHead(200, { 'cache-control': 'snow\u2603man' }), TypeError);
  // Values longer than a short id, and of every octet a field value may hold, decode exactly too.
  const wide = 'v' + Array.from({ length: 200 }, (_, i) => String.fromCharCode(0x20 + (i % 0xdf))).join('');
  assert.deepEqual(decodeFieldSection(encodeResponseHead(200, { 'x-request-id': wide }), 1 << 16), [':status', '200', 'x-request-id', wide]);
  // A value refused once stays refused after its name was remembered with a valid value.
  encodeFieldSection(['x-checked', 'fine']);
  assert.throws(() => encodeFieldSection(['x-checked', 'bad\r\nvalue']), TypeError);
});
