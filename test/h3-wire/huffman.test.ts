// Huffman code: RFC 7541 Appendix C.4/C.6 string vectors, codes checked against the Appendix B
// table, padding/EOS errors (RFC 7541 §5.2), the output bound, and encode→decode round trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { H3Code, H3Error } from '../../src/h3/wire/error-codes.js';
import { huffmanCode, huffmanDecode, huffmanEncode, huffmanEncodedLength } from '../../src/h3/qpack/huffman.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function encode(str: string): Uint8Array {
  const out = new Uint8Array(huffmanEncodedLength(str));
  assert.equal(huffmanEncode(str, out, 0), out.length);
  return out;
}

// RFC 7541 C.4 (requests) and C.6 (responses) Huffman-coded literals.
const VECTORS: Array<[string, string]> = [
  ['www.example.com', 'f1e3 c2e5 f23a 6ba0 ab90 f4ff'],
  ['no-cache', 'a8eb 1064 9cbf'],
  ['custom-key', '25a8 49e9 5ba9 7d7f'],
  ['custom-value', '25a8 49e9 5bb8 e8b4 bf'],
  ['302', '6402'],
  ['307', '640e ff'],
  ['private', 'aec3 771a 4b'],
  ['Mon, 21 Oct 2013 20:13:21 GMT', 'd07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff'],
  ['Mon, 21 Oct 2013 20:13:22 GMT', 'd07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff'],
  ['https://www.example.com', '9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3'],
  ['gzip', '9bd9 ab'],
  [
    'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1',
    '94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
  ],
];

for (const [text, bytes] of VECTORS) {
  test(`RFC 7541 vector: ${JSON.stringify(text)}`, () => {
    assert.deepEqual(encode(text), hex(bytes));
    const wire = hex(bytes);
    assert.equal(huffmanDecode(wire, 0, wire.length), text);
  });
}

test('derived canonical codes match the RFC 7541 Appendix B table (sampled across all lengths)', () => {
  const table: Array<[number, number, number]> = [
    [0, 0x1ff8, 13], [1, 0x7fffd8, 23], [9, 0xffffea, 24], [10, 0x3ffffffc, 30], [22, 0x3ffffffe, 30],
    [32, 0x14, 6], [33, 0x3f8, 10], [38, 0xf8, 8], [39, 0x7fa, 11], [48, 0x0, 5], [58, 0x5c, 7],
    [60, 0x7ffc, 15], [62, 0xffb, 12], [92, 0x7fff0, 19], [94, 0x3ffc, 14], [116, 0x9, 5], [122, 0x7b, 7],
    [127, 0xffffffc, 28], [128, 0xfffe6, 20], [129, 0x3fffd2, 22], [153, 0x1fffdc, 21], [192, 0x3ffffe0, 26],
    [199, 0x1ffffec, 25], [203, 0x7ffffde, 27], [228, 0x3fffe9, 22], [249, 0xffffffe, 28], [254, 0x7fffff0, 27],
    [255, 0x3ffffee, 26], [256, 0x3fffffff, 30],
  ];
  for (const [symbol, code, length] of table) assert.deepEqual(huffmanCode(symbol), { code, length }, `symbol ${symbol}`);
});

test('property: every octet string round-trips and the encoded length is exact', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (octets) => {
      const text = Buffer.from(octets).toString('latin1');
      const wire = encode(text);
      assert.equal(huffmanDecode(wire, 0, wire.length), text);
    }),
    { numRuns: 1000 },
  );
});

test('decoding honours start/end within a larger buffer', () => {
  const wire = hex('00 9bd9ab 00');
  assert.equal(huffmanDecode(wire, 1, 4), 'gzip');
  assert.equal(huffmanDecode(wire, 1, 1), '');
});

const errors: Array<[string, string]> = [
  ['padding of 8 one bits', '9bd9ab ff'],
  ['padding that is not all ones', 'aec3771a4a'], // 'private' (39 bits) with its padding bit cleared
  ['a lone zero byte (incomplete code, zero padding)', '00'],
  ['an explicit EOS symbol (30 ones) then padding', 'ffff ffff'],
  ['EOS after a symbol', '1f ff ff ff fc'], // 'a' (00011) then 30 ones (EOS) then padding
  ['a 28-bit code cut short', 'ffff fe'],
];
for (const [name, bytes] of errors) {
  test(`invalid: ${name} → QPACK_DECOMPRESSION_FAILED`, () => {
    const wire = hex(bytes);
    assert.throws(
      () => huffmanDecode(wire, 0, wire.length),
      (err: unknown) => err instanceof H3Error && err.code === H3Code.QPACK_DECOMPRESSION_FAILED && err.scope === 'connection',
    );
  });
}

test('maxLength stops decoding as soon as the output would exceed it', () => {
  const wire = encode('a'.repeat(1000));
  assert.equal(huffmanDecode(wire, 0, wire.length, 999), null);
  assert.equal(huffmanDecode(wire, 0, wire.length, 1000), 'a'.repeat(1000));
  // Output longer than the shared scratch buffer still decodes.
  const long = encode('0'.repeat(200_000));
  assert.equal(huffmanDecode(long, 0, long.length)?.length, 200_000);
});
