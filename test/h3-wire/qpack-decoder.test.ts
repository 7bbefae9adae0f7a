// QPACK field-section decoding without a dynamic table: RFC 9204 Appendix B sections, every
// representation, every error with its exact code, and the RFC 9114 §4.2.2 size limit enforced
// before oversized strings are built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSectionTooLargeError, H3Code, H3Error } from '../../src/h3/wire/error-codes.js';
import { decodeFieldSection } from '../../src/h3/qpack/decoder.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
const NO_LIMIT = Infinity;

function expectFailed(block: Uint8Array, limit = NO_LIMIT): void {
  assert.throws(
    () => decodeFieldSection(block, limit),
    (err: unknown) => {
      assert.ok(err instanceof H3Error, String(err));
      assert.ok(!(err instanceof FieldSectionTooLargeError), err.message);
      assert.equal(err.code, H3Code.QPACK_DECOMPRESSION_FAILED, err.message);
      assert.equal(err.scope, 'connection');
      return true;
    },
  );
}

function expectTooLarge(block: Uint8Array, limit: number): void {
  assert.throws(
    () => decodeFieldSection(block, limit),
    (err: unknown) => {
      assert.ok(err instanceof FieldSectionTooLargeError, String(err));
      assert.equal(err.code, H3Code.H3_EXCESSIVE_LOAD);
      assert.equal(err.scope, 'stream');
      assert.equal(err.limit, limit);
      return true;
    },
  );
}

test('RFC 9204 B.1: literal field line with static name reference', () => {
  assert.deepEqual(decodeFieldSection(hex('0000 510b 2f69 6e64 6578 2e68 746d 6c'), NO_LIMIT), [':path', '/index.html']);
});

test('RFC 9204 B.2 / B.4 sections reference the dynamic table: refused', () => {
  expectFailed(hex('0381 10 11'));
  expectFailed(hex('0500 80 c1 81'));
});

test('all static-only representations, raw and Huffman strings', () => {
  const block = hex(
    '0000' +
      'd1' + // indexed static 17 → :method GET
      'd7' + // indexed static 23 → :scheme https
      'c1' + // indexed static 1 → :path /
      '50' + '8c' + 'f1e3c2e5f23a6ba0ab90f4ff' + // name ref 0 (:authority), Huffman www.example.com
      '5f50' + '07' + ascii('curl/8x') + // name ref 15 + 80 = 95 (user-agent), raw value
      '23' + ascii('x-a') + '03' + ascii('b c') + // literal name (raw) + raw value
      '2b' + '9bd9ab' + '83' + '9bd9ab' + // literal name Huffman 'gzip' + Huffman value 'gzip'
      '7f3e' + '00', // name ref with N set: 01 N=1 T=1, index 15 + 62 = 77, empty value
  );
  const fields = decodeFieldSection(block, NO_LIMIT);
  assert.deepEqual(fields.slice(0, 16), [
    ':method', 'GET',
    ':scheme', 'https',
    ':path', '/',
    ':authority', 'www.example.com',
    'user-agent', 'curl/8x',
    'x-a', 'b c',
    'gzip', 'gzip',
    'access-control-allow-methods', '',
  ]);
});

test('a section with only the prefix decodes to no fields; Delta Base may be anything', () => {
  assert.deepEqual(decodeFieldSection(hex('0000'), NO_LIMIT), []);
  assert.deepEqual(decodeFieldSection(hex('00ff 05 d1'), NO_LIMIT), [':method', 'GET']); // S=1, Delta Base 132
});

test('non-ASCII octets decode as latin1, one char per octet', () => {
  assert.deepEqual(decodeFieldSection(hex('0000 5f50 02 e9ff'), NO_LIMIT), ['user-agent', '\u00e9\u00ff']);
});

const failures: Array<[string, string]> = [
  ['empty block', ''],
  ['prefix without Delta Base', '00'],
  ['Required Insert Count 1', '0100'],
  ['Required Insert Count with continuation', 'ff01 00'],
  ['truncated Delta Base integer', '00ff'],
  ['indexed dynamic (T=0)', '0000 80'],
  ['indexed post-base', '0000 10'],
  ['name reference dynamic (T=0)', '0000 4000'],
  ['literal with post-base name reference', '0000 0000'],
  ['literal with post-base name reference, N set', '0000 0800'],
  ['static index 99', '0000 ff24'],
  ['static index 2^40 (name ref)', '0000 5f ffffffffff1f 00'],
  ['truncated index integer', '0000 ff'],
  ['value string past the end', '0000 510b 2f69'],
  ['name string past the end', '0000 2761 62'],
  ['literal name without value', '0000 2378 2d61'],
  ['name ref without value', '0000 51'],
  ['integer with 10 continuation bytes', '0000 51 7f ffffffffffffffffff01'],
  ['invalid Huffman padding in a value', '0000 51 81 00'],
  ['EOS in a Huffman name', '0000 2c ffffffff 00'],
];
for (const [name, bytes] of failures) {
  test(`QPACK_DECOMPRESSION_FAILED: ${name}`, () => expectFailed(hex(bytes)));
}

test('a declared string length of 2^50 errors out at once, never allocating it', () => {
  // :path with a raw value whose 7-bit-prefix length is 127 + 2^50-ish, in a 14-byte block.
  const block = hex('0000 51 7f ffffffffffffff7f 41');
  const before = process.memoryUsage().arrayBuffers;
  expectFailed(block);
  expectFailed(block, 100);
  assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
});

test('size limit: name + value + 32 per field, exactly at the limit passes, one over fails', () => {
  const block = hex('0000 d1 c1'); // (:method GET) 7+3+32 = 42, (:path /) 5+1+32 = 38
  assert.equal(decodeFieldSection(block, 80).length, 4);
  expectTooLarge(block, 79);
  expectTooLarge(block, 0);
  const literal = hex(`0000 23${ascii('x-a')}03${ascii('b c')}`); // 3 + 3 + 32 = 38
  assert.equal(decodeFieldSection(literal, 38).length, 2);
  expectTooLarge(literal, 37);
  expectTooLarge(literal, 34); // the name alone exceeds
  const huffman = hex('0000 50 8c f1e3c2e5f23a6ba0ab90f4ff'); // :authority www.example.com: 10 + 15 + 32 = 57
  assert.equal(decodeFieldSection(huffman, 57).length, 2);
  expectTooLarge(huffman, 56);
});

test('an oversized literal is refused before its string is built (raw and Huffman)', async (t) => {
  const big = 1_000_000;
  const raw = new Uint8Array(3 + 4 + big);
  raw.set(hex('0000 51 7f c1833d')); // :path, raw value of length 127 + 999873 = 1,000,000
  raw.fill(0x61, 7);
  const huffman = new Uint8Array(raw);
  huffman[3] = 0xff; // the same with the Huffman flag: decodes to far more than 16 KiB
  const sliced: number[] = [];
  const toString = Buffer.prototype.toString;
  t.mock.method(Buffer.prototype, 'toString', function (this: Buffer, ...args: unknown[]) {
    if (args[0] === 'latin1') sliced.push(Number(args[2]) - Number(args[1]));
    return toString.apply(this, args as Parameters<typeof toString>);
  });
  const allocated: number[] = [];
  const allocUnsafe = Buffer.allocUnsafe;
  t.mock.method(Buffer, 'allocUnsafe', (size: number) => {
    allocated.push(size);
    return allocUnsafe(size);
  });
  expectTooLarge(raw, 16 * 1024);
  expectTooLarge(huffman, 16 * 1024);
  assert.ok(sliced.every((n) => n <= 16 * 1024), `sliced ${sliced}`);
  assert.ok(allocated.every((n) => n <= 16 * 1024), `allocated ${allocated}`);
});
