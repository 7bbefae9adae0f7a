// The per-connection cache of decoded QPACK literals (src/h3/qpack/literal-cache.ts): a repeat of the
// same encoded octets gives the string decoded the first time; anything else (other octets, the other
// Huffman flag, a literal too long to keep) is a miss; and a section decoded through the cache is the
// section decoded without it, size limit included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFieldSection } from '../../src/h3/qpack/decoder.js';
import { encodeFieldSection } from '../../src/h3/qpack/encoder.js';
import { LiteralCache } from '../../src/h3/qpack/literal-cache.js';
import { FieldSectionTooLargeError } from '../../src/h3/wire/error-codes.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

test('a literal remembered is found again by the same octets, anywhere in a block', () => {
  const cache = new LiteralCache();
  const first = bytes('xxexample.comyy');
  assert.equal(cache.get(first, 2, 13, false), undefined);
  cache.set(first, 2, 13, false, 'example.com');
  assert.equal(cache.get(bytes('example.com'), 0, 11, false), 'example.com');
  assert.equal(cache.get(bytes('zzzexample.com'), 3, 14, false), 'example.com');
});

test('other octets, the other Huffman flag or a literal too long to keep are misses', () => {
  const cache = new LiteralCache();
  const text = bytes('example.com');
  cache.set(text, 0, text.length, true, 'decoded');
  assert.equal(cache.get(text, 0, text.length, false), undefined, 'same octets, raw instead of Huffman');
  // Same length, first, middle and last octet (so the same slot), one octet different.
  assert.equal(cache.get(bytes('exbmple.com'), 0, 11, true), undefined);
  const long = new Uint8Array(129).fill(0x61);
  cache.set(long, 0, long.length, false, 'a'.repeat(129));
  assert.equal(cache.get(long, 0, long.length, false), undefined);
  assert.equal(cache.get(text, 0, 0, false), undefined, 'empty literal');
});

test('a slot taken by another literal answers for the new one only', () => {
  const cache = new LiteralCache();
  // Differ only in an octet the slot does not hash: same slot, so the second replaces the first.
  const a = bytes('aXcde');
  const b = bytes('aYcde');
  cache.set(a, 0, 5, false, 'first');
  cache.set(b, 0, 5, false, 'second');
  assert.equal(cache.get(a, 0, 5, false), undefined);
  assert.equal(cache.get(b, 0, 5, false), 'second');
});

test('sections decoded through one cache equal the sections decoded without it', () => {
  const cache = new LiteralCache();
  const requests = [
    [':method', 'GET', ':scheme', 'https', ':authority', 'example.com:7443', ':path', '/index.html', 'user-agent', 'curl/8.11.1', 'accept', '*/*'],
    [':method', 'GET', ':scheme', 'https', ':authority', 'example.com:7443', ':path', '/app.js', 'user-agent', 'curl/8.11.1', 'x-custom', 'one'],
    [':method', 'GET', ':scheme', 'https', ':authority', 'example.com:7443', ':path', '/index.html', 'user-agent', 'curl/8.11.1', 'x-custom', 'two'],
  ];
  for (let round = 0; round < 3; round++) {
    for (const fields of requests) {
      const block = encodeFieldSection(fields);
      assert.deepEqual(decodeFieldSection(block, Infinity, cache), fields);
      assert.deepEqual(decodeFieldSection(block, Infinity, cache), decodeFieldSection(block, Infinity));
    }
  }
});

test('the size limit holds for a literal found in the cache', () => {
  const cache = new LiteralCache();
  const fields = [':path', '/' + 'p'.repeat(60), 'x-long-name', 'v'.repeat(60)];
  const block = encodeFieldSection(fields);
  assert.deepEqual(decodeFieldSection(block, Infinity, cache), fields);
  // Just under what the section needs (RFC 9114 §4.2.2: octets + 32 per line): refused on the hit too.
  const needed = fields.reduce((n, s) => n + s.length, 0) + 2 * 32;
  assert.deepEqual(decodeFieldSection(block, needed, cache), fields);
  assert.throws(() => decodeFieldSection(block, needed - 1, cache), FieldSectionTooLargeError);
});
