// HTTP/3 and QPACK wire error codes, and the one error type the h3 wire layer throws.
// Every wire error code of the HTTP/3 stack lives in this file (as quic-go keeps them in
// http3/error_codes.go), so a grep for a code finds its only definition.

/** RFC 9114 §8.1 (HTTP/3) and RFC 9204 §6 (QPACK) error codes. */
export const H3Code = Object.freeze({
  H3_NO_ERROR: 0x100,
  H3_GENERAL_PROTOCOL_ERROR: 0x101,
  H3_INTERNAL_ERROR: 0x102,
  H3_STREAM_CREATION_ERROR: 0x103,
  H3_CLOSED_CRITICAL_STREAM: 0x104,
  H3_FRAME_UNEXPECTED: 0x105,
  H3_FRAME_ERROR: 0x106,
  H3_EXCESSIVE_LOAD: 0x107,
  H3_ID_ERROR: 0x108,
  H3_SETTINGS_ERROR: 0x109,
  H3_MISSING_SETTINGS: 0x10a,
  H3_REQUEST_REJECTED: 0x10b,
  H3_REQUEST_CANCELLED: 0x10c,
  H3_REQUEST_INCOMPLETE: 0x10d,
  H3_MESSAGE_ERROR: 0x10e,
  H3_CONNECT_ERROR: 0x10f,
  H3_VERSION_FALLBACK: 0x110,
  QPACK_DECOMPRESSION_FAILED: 0x200,
  QPACK_ENCODER_STREAM_ERROR: 0x201,
  QPACK_DECODER_STREAM_ERROR: 0x202,
} as const);

export type H3CodeName = keyof typeof H3Code;

const NAMES = new Map<number, H3CodeName>(
  (Object.keys(H3Code) as H3CodeName[]).map((name) => [H3Code[name], name]),
);

/**
 * The symbolic name of a wire error code; reserved (grease) codes of the form 0x1f*N+0x21
 * (RFC 9114 §8.1) read as `H3_RESERVED(0x..)`, anything else as `UNKNOWN(0x..)`.
 */
export function codeName(code: number): string {
  const known = NAMES.get(code);
  if (known !== undefined) return known;
  const hex = `0x${code.toString(16)}`;
  return code >= 0x21 && (code - 0x21) % 0x1f === 0 ? `H3_RESERVED(${hex})` : `UNKNOWN(${hex})`;
}

/**
 * A stream error resets one request stream with `code`; a connection error closes the whole
 * connection with `code` (RFC 9114 §8: "Stream errors" vs "Connection errors").
 */
export type H3ErrorScope = 'stream' | 'connection';

export class H3Error extends Error {
  readonly code: number;
  readonly scope: H3ErrorScope;

  constructor(code: number, scope: H3ErrorScope, message: string) {
    super(`${codeName(code)}: ${message}`);
    this.name = 'H3Error';
    this.code = code;
    this.scope = scope;
  }
}

/**
 * A request's field section (or its HEADERS frame) is larger than this server accepts.
 * RFC 9114 §4.2.2 / §10.5.1: the server may answer 431 (Request Header Fields Too Large)
 * instead of resetting the stream, so this is a distinct, stream-scoped error. When the caller
 * resets instead, the code is H3_EXCESSIVE_LOAD (§10.5: the peer is generating excessive load).
 */
export class FieldSectionTooLargeError extends H3Error {
  /** The configured limit, in RFC 9114 §4.2.2 bytes (or frame payload bytes for a HEADERS frame). */
  readonly limit: number;

  constructor(limit: number, message: string) {
    super(H3Code.H3_EXCESSIVE_LOAD, 'stream', message);
    this.name = 'FieldSectionTooLargeError';
    this.limit = limit;
  }
}

/** Shorthands for the two errors almost every parser throws. */
export function connectionError(code: number, message: string): H3Error {
  return new H3Error(code, 'connection', message);
}

export function streamError(code: number, message: string): H3Error {
  return new H3Error(code, 'stream', message);
}
