// The HPACK/QPACK static Huffman code (RFC 7541 Appendix B; QPACK uses it unchanged, RFC 9204
// §4.1.2): encoder and decoder. Hand-written rather than taken from a package: no maintained npm
// package exposes it for QPACK (hpack.js ships the table inside an HTTP/2 codec), and a table-driven
// decoder is short.
//
// The RFC code is canonical (§B: codes of one length are consecutive, in symbol order), so only
// the 257 code lengths are transcribed below; the codes themselves and a 4-bit-at-a-time decoding
// automaton are derived from them at load time.
//
// Decoding rules (RFC 7541 §5.2): padding must be the most significant bits of EOS (all ones) and
// strictly shorter than 8 bits; a decoded EOS symbol is an error. Errors are H3Error
// QPACK_DECOMPRESSION_FAILED, the only QPACK error Huffman strings can cause in a field section.
import { connectionError, H3Code } from '../wire/error-codes.js';
import { latin1 } from './latin1.js';

const EOS = 256;

/** Code length in bits of each symbol 0..255 and EOS (256), in symbol order (RFC 7541 Appendix B). */
const CODE_LENGTHS = Uint8Array.of(
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30
);

/** Canonical code of each symbol, right-aligned (the "code as hex" column of the RFC table). */
const CODES = (() => {
  const order = [...CODE_LENGTHS.keys()].sort((a, b) => CODE_LENGTHS[a] - CODE_LENGTHS[b] || a - b);
  const codes = new Uint32Array(order.length);
  let code = 0;
  for (let i = 0; i < order.length; i++) {
    if (i > 0) code = (code + 1) * 2 ** (CODE_LENGTHS[order[i]] - CODE_LENGTHS[order[i - 1]]);
    codes[order[i]] = code;
  }
  return codes;
})();

// Decoding automaton. States are the 256 internal nodes of the code tree (0 = root). Each entry of
// TRANSITIONS[state * 16 + nibble] packs: next state (bits 0-7), emitted symbol (bits 8-15), and
// flags. A 4-bit step emits at most one symbol since the shortest code is 5 bits long.
const EMIT = 1 << 16;
const FAIL = 1 << 17;
/** The state is a valid place to stop: at most 7 bits since the last symbol, all ones (EOS prefix). */
const ACCEPT = 1 << 18;

const TRANSITIONS = (() => {
  // children[node * 2 + bit]: > 0 internal node, < 0 leaf -(symbol + 1), 0 not yet built.
  const children = new Int32Array(256 * 2);
  const accepting = new Uint8Array(256);
  accepting[0] = 1;
  let nodes = 1;
  for (let symbol = 0; symbol <= EOS; symbol++) {
    const length = CODE_LENGTHS[symbol];
    let node = 0;
    for (let bit = length - 1; bit > 0; bit--) {
      const slot = node * 2 + ((CODES[symbol] >>> bit) & 1);
      if (children[slot] === 0) {
        const depth = length - bit;
        // Internal nodes on the all-ones path within 7 bits are acceptable padding.
        accepting[nodes] = (CODES[symbol] >>> bit) === 2 ** depth - 1 && depth <= 7 ? 1 : 0;
        children[slot] = nodes++;
      }
      node = children[slot];
    }
    children[node * 2 + (CODES[symbol] & 1)] = -(symbol + 1);
  }
  if (nodes !== 256) throw new Error('huffman: code tree is not complete');
  const table = new Uint32Array(256 * 16);
  for (let state = 0; state < 256; state++) {
    for (let nibble = 0; nibble < 16; nibble++) table[state * 16 + nibble] = step(children, accepting, state, nibble);
  }
  return table;
})();

function step(children: Int32Array, accepting: Uint8Array, state: number, nibble: number): number {
  let node = state;
  let out = 0;
  for (let bit = 3; bit >= 0; bit--) {
    const child = children[node * 2 + ((nibble >>> bit) & 1)];
    if (child >= 0) {
      node = child;
      continue;
    }
    const symbol = -child - 1;
    if (symbol === EOS) return FAIL;
    out = EMIT | (symbol << 8);
    node = 0;
  }
  return out | node | (accepting[node] === 1 ? ACCEPT : 0);
}

// Decoded bytes are assembled here, then turned into one string. Decoding is synchronous, so one
// buffer serves every caller; a rare longer string gets a buffer of its own.
const SCRATCH = Buffer.allocUnsafe(64 * 1024);

/**
 * Decodes the Huffman string in src[start..end) to a latin1 string (one char per octet, as
 * node:http does for field values). Returns null as soon as the output would exceed `maxLength`
 * octets, so a caller enforcing a size limit never materialises an oversized string.
 */
export function huffmanDecode(src: Uint8Array, start = 0, end = src.length, maxLength = Infinity): string | null {
  // Every symbol takes at least 5 bits, which bounds the output before decoding.
  const bound = Math.min(Math.floor(((end - start) * 8) / 5), maxLength);
  const out = bound <= SCRATCH.length ? SCRATCH : Buffer.allocUnsafe(bound);
  let n = 0;
  let state = 0;
  let flags = ACCEPT;
  for (let i = start; i < end; i++) {
    const byte = src[i];
    let entry = TRANSITIONS[(state << 4) | (byte >>> 4)];
    if ((entry & EMIT) !== 0) {
      if (n >= bound) return null;
      out[n++] = entry >>> 8;
    } else if ((entry & FAIL) !== 0) throw eosError();
    state = entry & 0xff;
    entry = TRANSITIONS[(state << 4) | (byte & 0x0f)];
    if ((entry & EMIT) !== 0) {
      if (n >= bound) return null;
      out[n++] = entry >>> 8;
    } else if ((entry & FAIL) !== 0) throw eosError();
    state = entry & 0xff;
    flags = entry;
  }
  if ((flags & ACCEPT) === 0) {
    throw connectionError(H3Code.QPACK_DECOMPRESSION_FAILED, 'huffman: padding is not an EOS prefix of under 8 bits');
  }
  return latin1(out, 0, n, out);
}

function eosError(): Error {
  return connectionError(H3Code.QPACK_DECOMPRESSION_FAILED, 'huffman: EOS symbol inside a string');
}

/** Encoded size in bytes of `str` (chars taken as octets: charCode & 0xff). */
export function huffmanEncodedLength(str: string): number {
  let bits = 0;
  for (let i = 0; i < str.length; i++) bits += CODE_LENGTHS[str.charCodeAt(i) & 0xff];
  return (bits + 7) >>> 3;
}

/**
 * Writes the Huffman encoding of `str` (chars taken as octets) into `out` at `offset`, padded with
 * ones; returns the offset after it. `out` must have huffmanEncodedLength(str) bytes free.
 */
export function huffmanEncode(str: string, out: Uint8Array, offset: number): number {
  // `acc` holds `bits` (< 8 between symbols) pending bits; codes over 24 bits go in two parts so
  // that the accumulator never exceeds 31 bits.
  let acc = 0;
  let bits = 0;
  let o = offset;
  for (let i = 0; i < str.length; i++) {
    const symbol = str.charCodeAt(i) & 0xff;
    const length = CODE_LENGTHS[symbol];
    const code = CODES[symbol];
    if (length > 24) {
      acc = (acc << (length - 16)) | (code >>> 16);
      bits += length - 16;
      while (bits >= 8) out[o++] = (acc >>> (bits -= 8)) & 0xff;
      acc = (acc << 16) | (code & 0xffff);
      bits += 16;
    } else {
      acc = (acc << length) | code;
      bits += length;
    }
    while (bits >= 8) out[o++] = (acc >>> (bits -= 8)) & 0xff;
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out[o++] = ((acc << (8 - bits)) | (0xff >>> bits)) & 0xff;
  return o;
}

/** The code of a symbol and its length (for tests against the RFC table). */
export function huffmanCode(symbol: number): { code: number; length: number } {
  return { code: CODES[symbol], length: CODE_LENGTHS[symbol] };
}
