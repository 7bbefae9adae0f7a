// A unidirectional stream the client opened (RFC 9114 §6.2): its first varint says what it is.
// Control (§6.2.1) and the QPACK encoder/decoder streams (RFC 9204 §4.2) are critical: one of each, and
// closing one is a connection error. Push streams from a client are an error (§6.2.2); unknown types
// (extensions, grease) are refused with STOP_SENDING and otherwise ignored (§6.2.3, §9).
import type { QuicConnection } from './quic/engine.js';
import { H3Code, H3Error, connectionError } from './wire/error-codes.js';
import { FrameType, StreamType } from './wire/frame-types.js';
import { FrameReader } from './wire/frame-reader.js';
import { parseCancelPush, parseGoaway, parseMaxPushId, parseSettings, readStreamType } from './wire/frames.js';
import { VARINT_INCOMPLETE, VarintCursor } from './wire/varint.js';
import { QpackStreamChecker } from './qpack/stream-checker.js';

export interface PeerUniStreamContext {
  readonly conn: QuicConnection;
  claimCritical(type: number): boolean;
  connectionError(code: number, reason: string): void;
}

const cursor = new VarintCursor();
// A stream type varint is at most 8 bytes; a stream that stalls before sending one is capped.
const maxTypeBytes = 8;

export class PeerUniStream {
  readonly #ctx: PeerUniStreamContext;
  readonly #id: number;
  #type = -1;
  #prefix: Uint8Array = new Uint8Array(0);
  #control: FrameReader | null = null;
  #qpack: QpackStreamChecker | null = null;
  #ignored = false;

  constructor(ctx: PeerUniStreamContext, id: number) {
    this.#ctx = ctx;
    this.#id = id;
  }

  onData(data: Uint8Array, fin: boolean): void {
    if (this.#ignored) return;
    try {
      let body = data;
      if (this.#type < 0) {
        const joined = concat(this.#prefix, data);
        const end = readStreamType(joined, 0, joined.byteLength, cursor);
        if (end === VARINT_INCOMPLETE) {
          if (joined.byteLength >= maxTypeBytes) throw connectionError(H3Code.H3_STREAM_CREATION_ERROR, 'bad stream type');
          this.#prefix = joined.slice();
          if (fin) this.#ignored = true; // a stream that ends before its type: nothing to do (§6.2)
          return;
        }
        this.#prefix = new Uint8Array(0);
        this.#open(cursor.value);
        if (this.#ignored) return;
        body = joined.subarray(end);
      }
      this.#consume(body, fin);
    } catch (e) {
      this.#fail(e);
    }
  }

  onReset(): void {
    if (this.#isCritical()) this.#ctx.connectionError(H3Code.H3_CLOSED_CRITICAL_STREAM, 'critical stream reset');
  }

  #isCritical(): boolean {
    return this.#type === StreamType.CONTROL || this.#type === StreamType.QPACK_ENCODER || this.#type === StreamType.QPACK_DECODER;
  }

  #open(type: number): void {
    this.#type = type;
    if (type === StreamType.PUSH) throw connectionError(H3Code.H3_STREAM_CREATION_ERROR, 'a client must not open push streams');
    if (!this.#isCritical()) {
      this.#ignored = true;
      this.#ctx.conn.streamShutdown(this.#id, 'read', H3Code.H3_STREAM_CREATION_ERROR);
      return;
    }
    if (!this.#ctx.claimCritical(type)) throw connectionError(H3Code.H3_STREAM_CREATION_ERROR, `second stream of type ${type}`);
    if (type === StreamType.CONTROL) this.#control = new FrameReader({ stream: 'control', maxFrameSize: 16 * 1024 });
    else this.#qpack = new QpackStreamChecker(type === StreamType.QPACK_ENCODER ? 'encoder' : 'decoder');
  }

  #consume(data: Uint8Array, fin: boolean): void {
    if (this.#control !== null) {
      if (data.byteLength > 0) this.#control.push(data.slice());
      for (let f = this.#control.next(); f !== null; f = this.#control.next()) this.#controlFrame(f.type, f.payload);
      if (fin) this.#control.finish(); // throws H3_CLOSED_CRITICAL_STREAM
      return;
    }
    this.#qpack!.push(data);
    if (fin) throw connectionError(H3Code.H3_CLOSED_CRITICAL_STREAM, 'QPACK stream closed');
  }

  // The frame reader already enforces placement (SETTINGS first and once, no DATA/HEADERS, §6.2.1, §7.2).
  #controlFrame(type: number, payload: Uint8Array): void {
    if (type === FrameType.SETTINGS) parseSettings(payload);
    else if (type === FrameType.GOAWAY) parseGoaway(payload); // a client's GOAWAY limits pushes: we never push
    else if (type === FrameType.MAX_PUSH_ID) parseMaxPushId(payload);
    else if (type === FrameType.CANCEL_PUSH) parseCancelPush(payload);
  }

  #fail(e: unknown): void {
    this.#ignored = true;
    const code = e instanceof H3Error ? e.code : H3Code.H3_INTERNAL_ERROR;
    this.#ctx.connectionError(code, e instanceof Error ? e.message : 'error');
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
