// QPACK field-section decoder (RFC 9204 §4.5) for a server that allows no dynamic table.
// Hand-written: no npm package does QPACK for Node.
//
// Why no dynamic table: the server advertises SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0 (the default,
// RFC 9204 §5), so the peer's encoder may never insert entries (§3.2.3: capacity must stay within
// the maximum we set) and every field section it sends must have Required Insert Count 0
// (§4.5.1.1: with MaxEntries 0 any non-zero encoded value is an error). Real clients (curl/
// nghttp3, quic-go, Chromium) honour 0 and fall back to static-table + literal encoding. This
// removes blocked streams, encoder-stream state and the associated memory and DoS surface, at the
// cost of somewhat larger request headers. Any dynamic or post-base reference is therefore a
// connection error of type QPACK_DECOMPRESSION_FAILED (§2.2.3, §4.5.1.1), as is any malformed or
// truncated representation (§2.2.3 / §6).
//
// Size limit: the field-section size is computed as RFC 9114 §4.2.2 does (name + value octets +
// 32 per field line) while decoding. Exceeding `maxFieldSectionSize` throws
// FieldSectionTooLargeError (stream scope, H3_EXCESSIVE_LOAD) before the offending string is
// materialised, so the caller can answer 431 (§10.5.1) or reset just that stream.
//
// Strings are decoded as latin1 (one char per octet), as node:http does for field values; request
// validation (src/h3/request-head.ts) decides what is acceptable.
import { connectionError, FieldSectionTooLargeError, H3Code, H3Error } from '../wire/error-codes.js';
import { huffmanDecode } from './huffman.js';
import { latin1 } from './latin1.js';
import type { LiteralCache } from './literal-cache.js';
import { PREFIX_INT_INCOMPLETE, PREFIX_INT_MALFORMED, readPrefixInt, type IntCursor } from './prefix-int.js';
import { STATIC_NAMES, STATIC_TABLE, STATIC_VALUES } from './static-table.js';

/** RFC 9114 §4.2.2 per-field overhead. */
export const FIELD_OVERHEAD = 32;

const STATIC_COUNT = STATIC_TABLE.length;
const STATIC_SIZES = Int32Array.from(STATIC_TABLE, ([name, value]) => name.length + value.length + FIELD_OVERHEAD);
const STATIC_NAME_SIZES = Int32Array.from(STATIC_TABLE, ([name]) => name.length + FIELD_OVERHEAD);

// Decoding is synchronous and not re-entrant: one cursor and one string slot serve all calls.
const cursor: IntCursor = { value: 0 };
let decodedString = '';
let sizeLimit = 0;

/**
 * Decodes one encoded field section (a HEADERS frame payload) into a flat
 * [name, value, name, value, ...] array, in wire order. Throws H3Error: QPACK_DECOMPRESSION_FAILED
 * (connection) for malformed input or dynamic-table references; FieldSectionTooLargeError
 * (stream) when the decoded size would exceed `maxFieldSectionSize`. `cache`: the connection's
 * decoded literals (literal-cache.ts), consulted and filled as the section is read.
 */
export function decodeFieldSection(block: Uint8Array, maxFieldSectionSize: number, cache: LiteralCache | null = null): string[] {
  const end = block.length;
  sizeLimit = maxFieldSectionSize;
  let offset = readInt(block, 0, end, 8);
  if (cursor.value !== 0) throw failed('Required Insert Count is not 0, but our dynamic table capacity is 0');
  // Delta Base: any value is allowed when nothing references the dynamic table (§4.5.1.2).
  offset = readInt(block, offset, end, 7);
  // Blocks usually arrive as Buffers (views of QUIC stream chunks): use them to slice long strings.
  const view = Buffer.isBuffer(block) ? block : null;
  const fields: string[] = [];
  let size = 0;
  while (offset < end) {
    const first = block[offset];
    if (first >= 0x80) {
      // Indexed Field Line: 1 T index(6+) (§4.5.2).
      if ((first & 0x40) === 0) throw failed('dynamic table reference');
      offset = readInt(block, offset, end, 6);
      const index = staticIndex(cursor.value);
      size += STATIC_SIZES[index];
      if (size > maxFieldSectionSize) throw tooLarge();
      fields.push(STATIC_NAMES[index], STATIC_VALUES[index]);
    } else if (first >= 0x40) {
      // Literal Field Line with Name Reference: 0 1 N T index(4+), value (§4.5.4).
      if ((first & 0x10) === 0) throw failed('dynamic table name reference');
      offset = readInt(block, offset, end, 4);
      const index = staticIndex(cursor.value);
      size += STATIC_NAME_SIZES[index];
      offset = readString(block, view, cache, offset, end, 7, maxFieldSectionSize - size);
      size += decodedString.length;
      fields.push(STATIC_NAMES[index], decodedString);
    } else if (first >= 0x20) {
      // Literal Field Line with Literal Name: 0 0 1 N H length(3+), name, value (§4.5.6).
      size += FIELD_OVERHEAD;
      offset = readString(block, view, cache, offset, end, 3, maxFieldSectionSize - size);
      const name = decodedString;
      size += name.length;
      offset = readString(block, view, cache, offset, end, 7, maxFieldSectionSize - size);
      size += decodedString.length;
      fields.push(name, decodedString);
    } else {
      // 0001xxxx Indexed Field Line with Post-Base Index (§4.5.3) or 0000Nxxx Literal Field Line
      // with Post-Base Name Reference (§4.5.5): both need a dynamic table.
      throw failed('post-base dynamic table reference');
    }
  }
  return fields;
}

function readInt(block: Uint8Array, offset: number, end: number, prefixBits: number): number {
  const next = readPrefixInt(block, offset, end, prefixBits, cursor);
  if (next === PREFIX_INT_INCOMPLETE) throw failed('truncated integer');
  if (next === PREFIX_INT_MALFORMED) throw failed('integer longer than 62 bits');
  return next;
}

function staticIndex(index: number): number {
  if (index >= STATIC_COUNT) throw failed(`static table index ${index} out of range`);
  return index;
}

/**
 * Reads a string literal whose Huffman flag is the bit just above its `prefixBits`-bit length
 * (RFC 9204 §4.1.2) into `decodedString`; returns the offset after it. `budget` is how many octets
 * the field section may still grow by: a longer string is refused before it is built.
 */
function readString(block: Uint8Array, view: Buffer | null, literals: LiteralCache | null, offset: number, end: number, prefixBits: number, budget: number): number {
  if (budget < 0) throw tooLarge();
  const huffman = (block[offset] & (1 << prefixBits)) !== 0;
  const start = readInt(block, offset, end, prefixBits);
  const length = cursor.value;
  if (length > end - start) throw failed('string literal runs past the end of the field section');
  const stop = start + length;
  const known = literals?.get(block, start, stop, huffman);
  if (known !== undefined) {
    if (known.length > budget) throw tooLarge();
    decodedString = known;
    return stop;
  }
  if (huffman) {
    const text = huffmanDecode(block, start, stop, budget);
    if (text === null) throw tooLarge();
    decodedString = text;
  } else {
    if (length > budget) throw tooLarge();
    decodedString = latin1(block, start, stop, view);
  }
  literals?.set(block, start, stop, huffman, decodedString);
  return stop;
}

function failed(message: string): H3Error {
  return connectionError(H3Code.QPACK_DECOMPRESSION_FAILED, message);
}

function tooLarge(): FieldSectionTooLargeError {
  return new FieldSectionTooLargeError(sizeLimit, `field section exceeds ${sizeLimit} bytes (RFC 9114 §4.2.2)`);
}
