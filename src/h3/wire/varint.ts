// QUIC variable-length integers (RFC 9000 §16), as HTTP/3 uses them for frame types, frame
// lengths, stream types, settings and ids. Hand-written: no npm package does HTTP/3 framing for
// Node, and these few lines sit on the per-frame hot path, so they work on caller-owned buffers
// and never allocate.
//
// Wire values go up to 2^62-1, but JS numbers are exact only up to 2^53-1. The reader reports a
// larger value as VARINT_TOO_LARGE instead of a wrong number; the caller decides what that means
// in context (an unknown grease frame type or setting id is legal and is skipped, a length that
// large is an error).

/** readVarint: the buffer ends before the integer does; push more bytes and retry. */
export const VARINT_INCOMPLETE = -1;
/** readVarint: a well-formed integer above Number.MAX_SAFE_INTEGER; it occupies 8 bytes. */
export const VARINT_TOO_LARGE = -2;
/** Encoded size of any value that readVarint reports as VARINT_TOO_LARGE. */
export const VARINT_TOO_LARGE_SIZE = 8;

/** Where readVarint leaves the value: one reusable object per parser, so reads don't allocate. */
export class VarintCursor {
  value = 0;
}

const TWO_POW_32 = 0x1_0000_0000;
// 8-byte encodings whose upper 32 bits (after the 2-bit prefix) reach 2^21 are >= 2^53.
const SAFE_HIGH_LIMIT = 0x20_0000;

/** Bytes needed to encode `value` (1, 2, 4 or 8). Throws RangeError outside 0..2^53-1. */
export function varintSize(value: number): 1 | 2 | 4 | 8 {
  if (value < 0x40 && value >= 0) {
    if (!Number.isInteger(value)) throw new RangeError(`varint: not an integer: ${value}`);
    return 1;
  }
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint: out of range: ${value}`);
  if (value < 0x4000) return 2;
  if (value < 0x4000_0000) return 4;
  return 8;
}

/** Writes `value` at `offset` in its shortest form; returns the offset after it. */
export function writeVarint(buf: Uint8Array, offset: number, value: number): number {
  const size = varintSize(value);
  if (offset + size > buf.length) throw new RangeError('varint: buffer too small');
  switch (size) {
    case 1:
      buf[offset] = value;
      return offset + 1;
    case 2:
      buf[offset] = 0x40 | (value >>> 8);
      buf[offset + 1] = value & 0xff;
      return offset + 2;
    case 4:
      buf[offset] = 0x80 | (value >>> 24);
      buf[offset + 1] = (value >>> 16) & 0xff;
      buf[offset + 2] = (value >>> 8) & 0xff;
      buf[offset + 3] = value & 0xff;
      return offset + 4;
    default: {
      const high = Math.floor(value / TWO_POW_32);
      const low = value >>> 0;
      buf[offset] = 0xc0 | (high >>> 24);
      buf[offset + 1] = (high >>> 16) & 0xff;
      buf[offset + 2] = (high >>> 8) & 0xff;
      buf[offset + 3] = high & 0xff;
      buf[offset + 4] = low >>> 24;
      buf[offset + 5] = (low >>> 16) & 0xff;
      buf[offset + 6] = (low >>> 8) & 0xff;
      buf[offset + 7] = low & 0xff;
      return offset + 8;
    }
  }
}

/** A fresh buffer holding `value` (for cold paths; hot paths use writeVarint). */
export function encodeVarint(value: number): Uint8Array {
  const out = new Uint8Array(varintSize(value));
  writeVarint(out, 0, value);
  return out;
}

/**
 * Reads one varint from buf[offset..end). Returns the offset after it and sets `cursor.value`;
 * or VARINT_INCOMPLETE when fewer bytes than its encoded length are there; or VARINT_TOO_LARGE
 * (cursor untouched) when the value exceeds 2^53-1. Non-minimal encodings are valid (RFC 9000 §16).
 */
export function readVarint(buf: Uint8Array, offset: number, end: number, cursor: VarintCursor): number {
  if (offset >= end) return VARINT_INCOMPLETE;
  const first = buf[offset];
  switch (first >>> 6) {
    case 0:
      cursor.value = first;
      return offset + 1;
    case 1:
      if (end - offset < 2) return VARINT_INCOMPLETE;
      cursor.value = ((first & 0x3f) << 8) | buf[offset + 1];
      return offset + 2;
    case 2:
      if (end - offset < 4) return VARINT_INCOMPLETE;
      cursor.value = read32(buf, offset, first & 0x3f);
      return offset + 4;
    default: {
      if (end - offset < 8) return VARINT_INCOMPLETE;
      const high = read32(buf, offset, first & 0x3f);
      if (high >= SAFE_HIGH_LIMIT) return VARINT_TOO_LARGE;
      cursor.value = high * TWO_POW_32 + read32(buf, offset + 4, buf[offset + 4]);
      return offset + 8;
    }
  }
}

// Big-endian 32-bit unsigned read whose first byte is given already masked.
function read32(buf: Uint8Array, offset: number, firstByte: number): number {
  return ((firstByte << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0;
}
