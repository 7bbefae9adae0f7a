// Routing-only parse of a datagram's first QUIC packet header, in TS because the binding's
// Header.fromSlice costs ~3 µs and throws on garbage. Reads the version-independent invariants
// (RFC 8999 §5) plus, for QUIC v1 Initials, the token (RFC 9000 §17.2.2). Nothing is decrypted here.

/** Length of every connection ID this server issues; short-header DCIDs are read with it (RFC 9000 §5.1). */
export const SERVER_CID_LEN = 20;
export const QUIC_V1 = 0x00000001;
/** RFC 9000 §14.1: a client Initial's datagram is at least this large. */
export const MIN_INITIAL_DATAGRAM = 1200;

export const enum LongType {
  Initial = 0,
  ZeroRtt = 1,
  Handshake = 2,
  Retry = 3,
}

export interface LongHeader {
  version: number;
  /** Packet type bits; meaningful for QUIC v1 only. */
  type: number;
  dcid: Buffer;
  scid: Buffer;
  /** Initial token (v1 Initials only; empty otherwise). */
  token: Buffer;
}

const EMPTY = Buffer.alloc(0);

export function isLongHeader(dgram: Buffer): boolean {
  return (dgram[0]! & 0x80) !== 0;
}

/** Connection-table key of a short-header packet's DCID, or null when the datagram is too short. */
export function shortHeaderKey(dgram: Buffer): string | null {
  return dgram.length > SERVER_CID_LEN + 1 ? dgram.toString('latin1', 1, 1 + SERVER_CID_LEN) : null;
}

/** Parses a long header; null when it is truncated or its CIDs exceed the invariant 255-byte bound. */
export function parseLongHeader(dgram: Buffer): LongHeader | null {
  if (dgram.length < 7) return null;
  const version = dgram.readUInt32BE(1);
  const dcidLen = dgram[5]!;
  let off = 6 + dcidLen;
  if (off >= dgram.length) return null;
  const scidLen = dgram[off]!;
  const scidStart = off + 1;
  off = scidStart + scidLen;
  if (off > dgram.length) return null;
  const header: LongHeader = {
    version,
    type: (dgram[0]! >> 4) & 0x3,
    dcid: dgram.subarray(6, 6 + dcidLen),
    scid: dgram.subarray(scidStart, off),
    token: EMPTY,
  };
  if (version === QUIC_V1 && header.type === LongType.Initial) {
    const token = readToken(dgram, off);
    if (token === null) return null;
    header.token = token;
  }
  return header;
}

/** The Initial token at `off` (varint length + bytes), or null when truncated. */
function readToken(dgram: Buffer, off: number): Buffer | null {
  if (off >= dgram.length) return null;
  const lenBytes = 1 << (dgram[off]! >> 6);
  if (off + lenBytes > dgram.length) return null;
  let len = dgram[off]! & 0x3f;
  for (let i = 1; i < lenBytes; i++) len = len * 256 + dgram[off + i]!;
  const start = off + lenBytes;
  if (start + len > dgram.length) return null;
  return dgram.subarray(start, start + len);
}
