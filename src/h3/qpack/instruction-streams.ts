// Parsers for the peer's QPACK encoder and decoder streams (RFC 9204 §4.2-§4.4), for a server
// whose decoder allows no dynamic table (SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0, see decoder.ts)
// and whose encoder never inserts into the peer's table (see encoder.ts). Hand-written: no npm
// package does QPACK for Node.
//
// With both tables unused, almost every instruction is a protocol violation; what remains legal:
// - encoder stream: Set Dynamic Table Capacity with capacity 0 (§4.3.1: a capacity above our
//   maximum of 0 is QPACK_ENCODER_STREAM_ERROR). Inserts and Duplicate need a table: error too.
// - decoder stream: Stream Cancellation (§4.4.2), ignored. A Section Acknowledgment refers to a
//   section with non-zero Required Insert Count, of which we sent none (§4.4.1), and an Insert
//   Count Increment acknowledges inserts we never made, or is 0 (§4.4.3): both
//   QPACK_DECODER_STREAM_ERROR.
// Both streams are critical: their end is H3_CLOSED_CRITICAL_STREAM (§4.2).
// Bytes arrive in arbitrary pieces: an instruction cut between chunks waits for the rest.
import { connectionError, H3Code, H3Error } from '../wire/error-codes.js';
import { PREFIX_INT_INCOMPLETE, PREFIX_INT_MALFORMED, readPrefixInt, type IntCursor } from './prefix-int.js';

/** An instruction is one prefixed integer: at most 1 + 9 continuation bytes are worth holding. */
const MAX_PENDING = 10;

abstract class InstructionStream {
  private pending: Uint8Array | null = null;
  private failure: H3Error | null = null;
  protected readonly cursor: IntCursor = { value: 0 };

  protected constructor(private readonly errorCode: number) {}

  /** Consumes stream bytes; throws H3Error on the first invalid instruction (and ever after). */
  push(chunk: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    let buf = chunk;
    if (this.pending !== null) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending);
      buf.set(chunk, this.pending.length);
      this.pending = null;
    }
    try {
      this.consume(buf);
    } catch (err) {
      if (err instanceof H3Error) this.failure = err;
      throw err;
    }
  }

  /** No partial instruction is waiting for more bytes. */
  get idle(): boolean {
    return this.pending === null;
  }

  /** The peer closed the stream, which it must never do (RFC 9204 §4.2). */
  finish(): never {
    throw (this.failure ??= connectionError(H3Code.H3_CLOSED_CRITICAL_STREAM, 'QPACK stream closed'));
  }

  private consume(buf: Uint8Array): void {
    let offset = 0;
    while (offset < buf.length) {
      const next = this.instruction(buf, offset);
      if (next === PREFIX_INT_INCOMPLETE) {
        if (buf.length - offset > MAX_PENDING) throw this.error('instruction too long');
        this.pending = buf.slice(offset);
        return;
      }
      if (next === PREFIX_INT_MALFORMED) throw this.error('integer longer than 62 bits');
      offset = next;
    }
  }

  /** Parses the instruction at buf[offset]; returns the offset after it or a PREFIX_INT_* code. */
  protected abstract instruction(buf: Uint8Array, offset: number): number;

  protected error(message: string): H3Error {
    return connectionError(this.errorCode, message);
  }
}

/** The peer's encoder stream (type 0x02), read by our decoder. */
export class EncoderStreamParser extends InstructionStream {
  constructor() {
    super(H3Code.QPACK_ENCODER_STREAM_ERROR);
  }

  protected instruction(buf: Uint8Array, offset: number): number {
    const first = buf[offset];
    if (first >= 0x80) throw this.error('Insert with Name Reference, but our dynamic table capacity is 0');
    if (first >= 0x40) throw this.error('Insert with Literal Name, but our dynamic table capacity is 0');
    if (first < 0x20) throw this.error('Duplicate, but our dynamic table is empty');
    // 0 0 1 capacity(5+): Set Dynamic Table Capacity (§4.3.1).
    const next = readPrefixInt(buf, offset, buf.length, 5, this.cursor);
    if (next >= 0 && this.cursor.value !== 0) {
      throw this.error(`dynamic table capacity ${this.cursor.value} exceeds SETTINGS_QPACK_MAX_TABLE_CAPACITY 0`);
    }
    return next;
  }
}

/** The peer's decoder stream (type 0x03), read by our encoder. */
export class DecoderStreamParser extends InstructionStream {
  /** Stream Cancellations seen (informational: nothing to release without a dynamic table). */
  cancellations = 0;

  constructor() {
    super(H3Code.QPACK_DECODER_STREAM_ERROR);
  }

  protected instruction(buf: Uint8Array, offset: number): number {
    const first = buf[offset];
    if (first >= 0x80) throw this.error('Section Acknowledgment, but no field section referenced the dynamic table');
    if (first < 0x40) throw this.error('Insert Count Increment, but nothing was inserted');
    // 0 1 stream-id(6+): Stream Cancellation (§4.4.2).
    const next = readPrefixInt(buf, offset, buf.length, 6, this.cursor);
    if (next >= 0) this.cancellations++;
    return next;
  }
}

/**
 * Stateless convenience: validates one complete chunk of encoder-stream instructions. A chunk
 * that ends inside an instruction is an error here; streaming callers use EncoderStreamParser.
 */
export function parseEncoderStream(chunk: Uint8Array): void {
  const parser = new EncoderStreamParser();
  parser.push(chunk);
  if (!parser.idle) throw connectionError(H3Code.QPACK_ENCODER_STREAM_ERROR, 'truncated encoder instruction');
}
