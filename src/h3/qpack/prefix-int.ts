// Prefixed integers (RFC 7541 §5.1, used unmodified by QPACK, RFC 9204 §4.1.1): an N-bit prefix
// in the first byte, then 7-bit continuation bytes, least significant group first. Hand-written
// with the rest of QPACK (no npm package does QPACK for Node); shared by the field-section decoder,
// the encoder and the encoder/decoder stream parsers. Reads never allocate.

/** The buffer ends inside the integer. */
export const PREFIX_INT_INCOMPLETE = -1;
/** More continuation bytes than any 62-bit integer needs (RFC 9204 §4.1.1 caps values at 62 bits). */
export const PREFIX_INT_MALFORMED = -2;

/** Where readPrefixInt leaves the value (a VarintCursor fits too). */
export interface IntCursor {
  value: number;
}

// 9 continuation bytes carry 63 bits: a 10th can only belong to a malformed integer.
const MAX_WEIGHT = 2 ** 63;

/**
 * Reads an integer whose prefix is the low `prefixBits` bits of buf[offset]. Returns the offset
 * after it (value in cursor.value), PREFIX_INT_INCOMPLETE or PREFIX_INT_MALFORMED. Values above
 * 2^53 are approximate, which is harmless: every caller compares them against far smaller limits.
 */
export function readPrefixInt(buf: Uint8Array, offset: number, end: number, prefixBits: number, cursor: IntCursor): number {
  if (offset >= end) return PREFIX_INT_INCOMPLETE;
  const max = (1 << prefixBits) - 1;
  let value = buf[offset] & max;
  if (value < max) {
    cursor.value = value;
    return offset + 1;
  }
  let weight = 1;
  for (let i = offset + 1; i < end; i++) {
    const byte = buf[i];
    value += (byte & 0x7f) * weight;
    if (byte < 0x80) {
      cursor.value = value;
      return i + 1;
    }
    weight *= 128;
    if (weight >= MAX_WEIGHT) return PREFIX_INT_MALFORMED;
  }
  return PREFIX_INT_INCOMPLETE;
}

/**
 * Writes `value` (0..2^32-1) with a `prefixBits` prefix; `flags` supplies the first byte's bits
 * above the prefix. Returns the offset after it. The caller guarantees room (at most 6 bytes).
 */
export function writePrefixInt(buf: Uint8Array, offset: number, prefixBits: number, flags: number, value: number): number {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    buf[offset] = flags | value;
    return offset + 1;
  }
  buf[offset++] = flags | max;
  let rest = value - max;
  while (rest >= 0x80) {
    buf[offset++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  buf[offset++] = rest;
  return offset;
}
