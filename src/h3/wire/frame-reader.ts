// FrameReader: the incremental parser for the frames of one HTTP/3 stream, as a server reads them
// (a client's request stream or its control stream). Hand-written: no npm package does HTTP/3
// framing for Node.
//
// - DATA payload is never buffered: each next() yields the DATA bytes that have arrived, as views
//   of the pushed chunks, so a 1 GiB upload streams through in chunk-sized pieces.
// - Other known frames are buffered up to `maxFrameSize` and yielded whole (a zero-copy view when
//   the payload sits inside one pushed chunk). A larger one is refused with H3_EXCESSIVE_LOAD:
//   RFC 9114 has no frame size limit of its own and H3_FRAME_ERROR means "malformed" (§7.1), while
//   §10.5 lets an endpoint treat excessive use as a connection error of type H3_EXCESSIVE_LOAD. A
//   HEADERS frame that large is a too-large field section instead (FieldSectionTooLargeError,
//   stream scope), which §10.5.1 lets the server answer with 431.
// - Unknown and grease frame types are skipped as their bytes arrive, never buffered (§9).
// - Frame placement is checked as RFC 9114 requires of a server (all connection errors of type
//   H3_FRAME_UNEXPECTED unless noted): request streams carry HEADERS, DATA*, optional trailing
//   HEADERS, then nothing but unknown frames (§4.1); control-stream-only frames, PUSH_PROMISE
//   (§7.2.5: a client must not send it) and the reserved HTTP/2 types (§7.2.8) are refused on
//   request streams; the control stream must start with SETTINGS (else H3_MISSING_SETTINGS,
//   §6.2.1), carries one SETTINGS only (§7.2.4) and no DATA/HEADERS/PUSH_PROMISE (§7.2.1-§7.2.5).
//
// After next() or finish() throws, the reader is dead: every later call throws the same error.
import { connectionError, FieldSectionTooLargeError, H3Code, H3Error, streamError } from './error-codes.js';
import { FrameType, isReservedHttp2FrameType } from './frame-types.js';
import { readVarint, VARINT_INCOMPLETE, VARINT_TOO_LARGE, VARINT_TOO_LARGE_SIZE, VarintCursor } from './varint.js';

/** The stream a reader parses: a client's bidirectional request stream, or its control stream. */
export type FrameStreamKind = 'request' | 'control';

export interface FrameReaderOptions {
  readonly stream: FrameStreamKind;
  /** Largest payload of a buffered (non-DATA) frame, in bytes. Default 64 KiB. */
  readonly maxFrameSize?: number;
}

/**
 * One result of next(). The reader reuses this object: it and `payload` are valid until the next
 * call on the reader; copy the payload to keep it. For DATA, `payload` is the piece that arrived
 * (possibly empty for an empty DATA frame) and `last` says whether it ends the frame; for other
 * frames `payload` is the whole payload and `last` is true.
 */
export interface FrameEvent {
  type: number;
  payload: Uint8Array;
  last: boolean;
}

const EMPTY = new Uint8Array(0);
const DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
/** A frame header is two varints of at most 8 bytes each. */
const MAX_HEADER_SIZE = 16;
/** Frame type for types above 2^53-1: necessarily unknown (extension or grease), so skipped. */
const HUGE_TYPE = -1;

// Parser states.
const READ_HEADER = 0;
const STREAM_DATA = 1;
const BUFFER_FRAME = 2;
const SKIP_FRAME = 3;

// Message phases. Request stream: before HEADERS, in the body, after trailers.
// Control stream: before SETTINGS, after SETTINGS (reuses the first two values).
const AWAIT_FIRST = 0;
const IN_BODY = 1;
const AFTER_TRAILERS = 2;

// Shared by all readers: parsing is synchronous and never re-entrant, so one of each suffices.
const cursor = new VarintCursor();
const scratch = new Uint8Array(MAX_HEADER_SIZE);

export class FrameReader {
  private readonly kind: FrameStreamKind;
  private readonly maxFrameSize: number;
  private chunks: Uint8Array[] = [];
  private head = 0;
  private pos = 0;
  private queued = 0;
  private state = READ_HEADER;
  private phase = AWAIT_FIRST;
  private frameType = 0;
  private remaining = 0;
  private assembly: Uint8Array | null = null;
  private filled = 0;
  private failure: H3Error | null = null;
  private readonly event: FrameEvent = { type: 0, payload: EMPTY, last: true };

  constructor(options: FrameReaderOptions) {
    this.kind = options.stream;
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  }

  /**
   * Queues stream bytes. The reader keeps views of `chunk` (DATA pieces are views of it), so the
   * caller must not reuse or modify its memory afterwards.
   */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.queued += chunk.length;
  }

  /** Bytes pushed and not yet consumed. */
  get buffered(): number {
    return this.queued;
  }

  /** The next frame or DATA piece, or null when more bytes are needed. Throws H3Error. */
  next(): FrameEvent | null {
    if (this.failure !== null) throw this.failure;
    try {
      return this.step();
    } catch (err) {
      if (err instanceof H3Error) this.failure = err;
      throw err;
    }
  }

  /**
   * The peer ended the stream cleanly (FIN); call after next() has returned null. Throws:
   * control stream → H3_CLOSED_CRITICAL_STREAM (§6.2.1); truncated frame → H3_FRAME_ERROR (§7.1);
   * request without HEADERS → stream error H3_REQUEST_INCOMPLETE (§4.1.2).
   */
  finish(): void {
    if (this.failure !== null) throw this.failure;
    let err: H3Error | null = null;
    if (this.kind === 'control') err = connectionError(H3Code.H3_CLOSED_CRITICAL_STREAM, 'control stream ended');
    else if (this.state !== READ_HEADER || this.queued > 0) err = connectionError(H3Code.H3_FRAME_ERROR, 'stream ended inside a frame');
    else if (this.phase === AWAIT_FIRST) err = streamError(H3Code.H3_REQUEST_INCOMPLETE, 'request stream ended before HEADERS');
    if (err !== null) {
      this.failure = err;
      throw err;
    }
  }

  private step(): FrameEvent | null {
    for (;;) {
      switch (this.state) {
        case READ_HEADER: {
          if (!this.readHeader()) return null;
          const event = this.beginFrame();
          if (event !== null) return event;
          break;
        }
        case STREAM_DATA:
          return this.dataPiece();
        case BUFFER_FRAME:
          return this.bufferPiece();
        default:
          if (!this.skipPiece()) return null;
      }
    }
  }

  // Reads a frame header into frameType/remaining; false when its bytes have not all arrived.
  private readHeader(): boolean {
    if (this.queued === 0) return false;
    const chunk = this.chunks[this.head];
    let used = this.parseHeader(chunk, this.pos, chunk.length);
    if (used === 0) {
      // The header straddles chunks: look at up to 16 queued bytes through the scratch buffer.
      const have = this.peek(scratch);
      if (have === chunk.length - this.pos) return false;
      used = this.parseHeader(scratch, 0, have);
      if (used === 0) return false;
    }
    this.consume(used);
    return true;
  }

  // Parses a frame header from buf[start..end); returns its size, or 0 when incomplete.
  private parseHeader(buf: Uint8Array, start: number, end: number): number {
    const typeEnd = readVarint(buf, start, end, cursor);
    if (typeEnd === VARINT_INCOMPLETE) return 0;
    const type = typeEnd === VARINT_TOO_LARGE ? HUGE_TYPE : cursor.value;
    const lengthStart = typeEnd === VARINT_TOO_LARGE ? start + VARINT_TOO_LARGE_SIZE : typeEnd;
    const lengthEnd = readVarint(buf, lengthStart, end, cursor);
    if (lengthEnd === VARINT_INCOMPLETE) return 0;
    if (lengthEnd === VARINT_TOO_LARGE) throw connectionError(H3Code.H3_EXCESSIVE_LOAD, 'frame length above 2^53-1');
    this.frameType = type;
    this.remaining = cursor.value;
    return lengthEnd - start;
  }

  // Copies up to out.length queued bytes into `out` without consuming them; returns the count.
  private peek(out: Uint8Array): number {
    let count = 0;
    let offset = this.pos;
    for (let i = this.head; i < this.chunks.length && count < out.length; i++) {
      const chunk = this.chunks[i];
      const n = Math.min(chunk.length - offset, out.length - count);
      out.set(chunk.subarray(offset, offset + n), count);
      count += n;
      offset = 0;
    }
    return count;
  }

  private consume(n: number): void {
    this.queued -= n;
    while (n > 0) {
      const available = this.chunks[this.head].length - this.pos;
      if (n < available) {
        this.pos += n;
        return;
      }
      n -= available;
      this.dropChunk();
    }
  }

  private dropChunk(): void {
    this.head++;
    this.pos = 0;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      this.chunks.splice(0, this.head);
      this.head = 0;
    }
  }

  // Validates the frame just announced and picks the state that consumes its payload. Returns an
  // event at once for an empty DATA or empty known frame.
  private beginFrame(): FrameEvent | null {
    const type = this.frameType;
    if (this.kind === 'request') this.checkRequestFrame(type);
    else this.checkControlFrame(type);
    if (type === FrameType.DATA) {
      if (this.remaining > 0) {
        this.state = STREAM_DATA;
        return null;
      }
      return this.emit(type, EMPTY, true);
    }
    if (!isBufferedType(type)) {
      this.state = SKIP_FRAME;
      return null;
    }
    if (this.remaining > this.maxFrameSize) throw this.tooLarge(type);
    if (this.remaining === 0) return this.emit(type, EMPTY, true);
    this.state = BUFFER_FRAME;
    return null;
  }

  private checkRequestFrame(type: number): void {
    if (type === FrameType.HEADERS) {
      if (this.phase === AFTER_TRAILERS) throw unexpected('HEADERS after trailers');
      this.phase = this.phase === AWAIT_FIRST ? IN_BODY : AFTER_TRAILERS;
    } else if (type === FrameType.DATA) {
      if (this.phase !== IN_BODY) throw unexpected(this.phase === AWAIT_FIRST ? 'DATA before HEADERS' : 'DATA after trailers');
    } else if (isBufferedType(type) || type === FrameType.PUSH_PROMISE || isReservedHttp2FrameType(type)) {
      throw unexpected(`frame type 0x${type.toString(16)} on a request stream`);
    }
  }

  private checkControlFrame(type: number): void {
    if (this.phase === AWAIT_FIRST) {
      if (type !== FrameType.SETTINGS) throw connectionError(H3Code.H3_MISSING_SETTINGS, 'control stream must start with SETTINGS');
      this.phase = IN_BODY;
      return;
    }
    if (
      type === FrameType.SETTINGS ||
      type === FrameType.DATA ||
      type === FrameType.HEADERS ||
      type === FrameType.PUSH_PROMISE ||
      isReservedHttp2FrameType(type)
    ) {
      throw unexpected(`frame type 0x${type.toString(16)} on the control stream`);
    }
  }

  private tooLarge(type: number): H3Error {
    const what = `frame type 0x${type.toString(16)} of ${this.remaining} bytes exceeds ${this.maxFrameSize}`;
    if (type === FrameType.HEADERS) return new FieldSectionTooLargeError(this.maxFrameSize, what);
    return connectionError(H3Code.H3_EXCESSIVE_LOAD, what);
  }

  private dataPiece(): FrameEvent | null {
    if (this.queued === 0) return null;
    const chunk = this.chunks[this.head];
    const start = this.pos;
    const n = Math.min(chunk.length - start, this.remaining);
    const piece = start === 0 && n === chunk.length ? chunk : chunk.subarray(start, start + n);
    this.remaining -= n;
    this.consume(n);
    if (this.remaining === 0) this.state = READ_HEADER;
    return this.emit(FrameType.DATA, piece, this.remaining === 0);
  }

  private bufferPiece(): FrameEvent | null {
    if (this.queued === 0) return null;
    const chunk = this.chunks[this.head];
    if (this.assembly === null && chunk.length - this.pos >= this.remaining) {
      const view = chunk.subarray(this.pos, this.pos + this.remaining);
      this.consume(this.remaining);
      return this.completeFrame(view);
    }
    if (this.assembly === null) {
      this.assembly = new Uint8Array(this.remaining);
      this.filled = 0;
    }
    while (this.remaining > 0 && this.queued > 0) {
      const current = this.chunks[this.head];
      const n = Math.min(current.length - this.pos, this.remaining);
      this.assembly.set(current.subarray(this.pos, this.pos + n), this.filled);
      this.filled += n;
      this.remaining -= n;
      this.consume(n);
    }
    if (this.remaining > 0) return null;
    const payload = this.assembly;
    this.assembly = null;
    return this.completeFrame(payload);
  }

  private completeFrame(payload: Uint8Array): FrameEvent {
    this.remaining = 0;
    this.state = READ_HEADER;
    return this.emit(this.frameType, payload, true);
  }

  // Discards an unknown frame's payload as it arrives; true once all of it is gone.
  private skipPiece(): boolean {
    while (this.remaining > 0) {
      if (this.queued === 0) return false;
      const n = Math.min(this.chunks[this.head].length - this.pos, this.remaining);
      this.remaining -= n;
      this.consume(n);
    }
    this.state = READ_HEADER;
    return true;
  }

  private emit(type: number, payload: Uint8Array, last: boolean): FrameEvent {
    const event = this.event;
    event.type = type;
    event.payload = payload;
    event.last = last;
    return event;
  }
}

/** Known frame types that are buffered and yielded whole (DATA streams; PUSH_PROMISE is refused). */
function isBufferedType(type: number): boolean {
  return (
    type === FrameType.HEADERS ||
    type === FrameType.SETTINGS ||
    type === FrameType.CANCEL_PUSH ||
    type === FrameType.GOAWAY ||
    type === FrameType.MAX_PUSH_ID
  );
}

function unexpected(message: string): H3Error {
  return connectionError(H3Code.H3_FRAME_UNEXPECTED, message);
}
