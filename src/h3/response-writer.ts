// Writes a CoreResponse onto an HTTP/3 request stream (RFC 9114 §4.1): one HEADERS frame, then DATA
// frames, then FIN. Send backpressure follows QUIC flow control: when the engine accepts only part of a
// write, the rest waits here and the body source is paused until onWritable(); so a 1 GiB file goes out
// with a bounded amount of it in memory.
import type { Readable } from 'node:stream';
import type { CoreResponse } from '../core/contract.js';
import { readFileBody } from '../core/file-body.js';
import type { QuicConnection } from './quic/engine.js';
import { dateFieldLine } from './date-field.js';
import { encodeResponseHead } from './qpack/encoder.js';
import { H3Code } from './wire/error-codes.js';
import { FrameType } from './wire/frame-types.js';
import { allocFrame, encodeDataFrameHeader, encodeFrame, frameHeaderSize, writeFrameHeader } from './wire/frames.js';

const fileChunk = 64 * 1024;
/** A FIN with no data (shared: nothing writes into it). */
const NOTHING: Uint8Array = Buffer.alloc(0);

export interface WriteOutcome {
  /** Body bytes (DATA payload) accepted by the transport. */
  bytesSent: number;
  /** true when the whole response, FIN included, was accepted. */
  complete: boolean;
}

export class ResponseWriter {
  readonly #conn: QuicConnection;
  readonly #id: number;
  readonly #done: (outcome: WriteOutcome) => void;
  #pending: Uint8Array[] = [];
  #pendingFin = false;
  /** The FIN has been handed to #send (sent or queued). */
  #finQueued = false;
  #source: Readable | null = null;
  #sent = 0;
  #finished = false;

  constructor(conn: QuicConnection, id: number, done: (outcome: WriteOutcome) => void) {
    this.#conn = conn;
    this.#id = id;
    this.#done = done;
  }

  write(res: CoreResponse, headOnly: boolean): void {
    // A Date the core set (a proxied origin's) is kept, as node:http and node:http2 keep it.
    const head = encodeResponseHead(res.status, res.headers, res.headers['date'] === undefined ? dateFieldLine() : undefined);
    const body = headOnly ? { kind: 'empty' as const } : res.body;
    // A stream that will not be sent (HEAD) must still be released, or its producer waits for ever.
    if (headOnly && res.body.kind === 'stream') res.body.stream.destroy();
    switch (body.kind) {
      case 'empty':
        this.#send(encodeFrame(FrameType.HEADERS, head), true);
        return;
      case 'bytes':
        // HEADERS and the one DATA frame in a single write: small responses leave in one packet.
        this.#sent = body.data.byteLength;
        this.#send(headersAndData(head, body.data), true);
        return;
      case 'file':
        this.#send(encodeFrame(FrameType.HEADERS, head), false);
        if (body.end <= body.start) {
          this.#send(NOTHING, true);
          return;
        }
        this.#pipe(readFileBody(body, fileChunk), body.end - body.start);
        return;
      case 'stream':
        this.#send(encodeFrame(FrameType.HEADERS, head), false);
        this.#pipe(body.stream, declaredLength(res.headers['content-length']));
        return;
    }
  }

  /** An interim (1xx) response: a HEADERS frame of its own before the final one (RFC 9114 §4.1). */
  interim(status: number): void {
    this.#send(encodeFrame(FrameType.HEADERS, encodeResponseHead(status, {})), false);
  }

  /** The engine can take more data on this stream. */
  onWritable(): void {
    if (this.#finished) return;
    if (!this.#flush()) return;
    if (this.#pendingFin) return this.#complete();
    if (this.#source !== null && this.#source.isPaused()) this.#source.resume();
  }

  /** The client cancelled or the connection closed: stop producing, report once. */
  abort(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#pending = [];
    if (this.#source !== null && !this.#source.destroyed) this.#source.destroy();
    this.#done({ bytesSent: this.#sent, complete: false });
  }

  // `length`, when known, lets the last DATA frame carry the FIN. A FIN sent alone after the data is
  // not reliable with quiche 0.18: when every byte before it has already been acknowledged it is
  // sometimes never emitted, and the client waits for the idle timeout (seen with curl on an 8 MiB
  // file, about one download in ten). So the empty FIN write is only the fallback for bodies of
  // unknown length (on-the-fly compression, chunked origins).
  #pipe(src: Readable, length: number | undefined): void {
    this.#source = src;
    src.on('data', (chunk: Buffer) => {
      if (this.#finished) return;
      if (this.#finQueued) return this.#fail(); // more than the declared length
      this.#sent += chunk.length;
      const header = encodeDataFrameHeader(chunk.length);
      // Both pieces always go to #send, which queues whatever follows a short write: giving up on the
      // chunk after a short header write would drop it and break the framing.
      const headerTaken = this.#send(header, false);
      const chunkTaken = this.#send(chunk, this.#sent === length);
      if (!(headerTaken && chunkTaken)) src.pause();
    });
    src.once('end', () => {
      if (this.#finQueued) return;
      // Shorter than its Content-Length: a FIN would make a truncated body look complete (§4.1.2).
      if (length !== undefined && this.#sent !== length) return this.#fail();
      this.#send(NOTHING, true);
    });
    src.once('error', () => this.#fail());
  }

  // Queues or writes one piece. Returns false when the transport is backpressured.
  #send(data: Uint8Array, fin: boolean): boolean {
    if (this.#finished) return false;
    this.#finQueued ||= fin;
    if (this.#pending.length > 0) {
      this.#pending.push(data);
      this.#pendingFin ||= fin;
      return false;
    }
    const n = this.#conn.streamSend(this.#id, data, fin);
    if (n < 0) {
      this.abort();
      return false;
    }
    if (n === data.byteLength) {
      if (fin) this.#complete();
      return true;
    }
    this.#pending.push(data.subarray(n));
    this.#pendingFin ||= fin;
    return false;
  }

  // Writes queued pieces; true when the queue is empty.
  #flush(): boolean {
    while (this.#pending.length > 0) {
      const data = this.#pending[0]!;
      const last = this.#pending.length === 1;
      const n = this.#conn.streamSend(this.#id, data, last && this.#pendingFin);
      if (n < 0) {
        this.abort();
        return false;
      }
      if (n < data.byteLength) {
        this.#pending[0] = data.subarray(n);
        return false;
      }
      this.#pending.shift();
    }
    return true;
  }

  #complete(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#done({ bytesSent: this.#sent, complete: true });
  }

  // The body source failed mid-response (file read error, origin cut off): the response cannot be
  // completed, so the stream is reset rather than ended as if it were whole (RFC 9114 §4.1.1).
  #fail(): void {
    // After the FIN went out the response is whole; a late error from its source changes nothing.
    if (this.#finished) return;
    this.#conn.streamShutdown(this.#id, 'write', H3Code.H3_INTERNAL_ERROR);
    this.abort();
  }
}

/** A body length from Content-Length, when the response declares a valid one. */
function declaredLength(value: string | number | string[] | undefined): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function headersAndData(head: Uint8Array, data: Uint8Array): Uint8Array {
  const h = frameHeaderSize(FrameType.HEADERS, head.byteLength);
  const d = frameHeaderSize(FrameType.DATA, data.byteLength);
  const out = allocFrame(h + head.byteLength + d + data.byteLength);
  let off = writeFrameHeader(out, 0, FrameType.HEADERS, head.byteLength);
  out.set(head, off);
  off = writeFrameHeader(out, off + head.byteLength, FrameType.DATA, data.byteLength);
  out.set(data, off);
  return out;
}
