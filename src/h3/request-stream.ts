// One client-initiated bidirectional stream: an HTTP/3 request (RFC 9114 §4.1). Parses its frames,
// validates the head, hands a CoreRequest to the core and writes the core's answer back.
import type { Core, CoreResponse, ResponseHeaders } from '../core/contract.js';
import { continueOnFirstRead } from '../core/continue-on-read.js';
import type { QuicConnection } from './quic/engine.js';
import { decodeFieldSection } from './qpack/decoder.js';
import type { LiteralCache } from './qpack/literal-cache.js';
import { H3CoreRequest, RequestBody } from './h3-request.js';
import { toRequestHead } from './request-head.js';
import { ResponseWriter, type WriteOutcome } from './response-writer.js';
import { FieldSectionTooLargeError, H3Code, H3Error, streamError } from './wire/error-codes.js';
import { FrameType } from './wire/frame-types.js';
import { FrameReader } from './wire/frame-reader.js';

export interface RequestStreamContext {
  readonly core: Core;
  readonly conn: QuicConnection;
  readonly maxFieldSectionSize: number;
  /** The connection's decoded QPACK literals, shared by its request streams. */
  readonly literals: LiteralCache;
  /** The stream is over on both sides: forget it. */
  ended(id: number): void;
  /** A connection-level protocol error: close the connection with this code. */
  connectionError(code: number, reason: string): void;
}

const tooLargeBody = Buffer.from('request header fields too large\n');
const noBody = { kind: 'empty' as const };

export class RequestStream {
  readonly #ctx: RequestStreamContext;
  readonly #id: number;
  readonly #reader: FrameReader;
  #request: H3CoreRequest | null = null;
  #body: RequestBody | null = null;
  #writer: ResponseWriter | null = null;
  /** The writer of a 100 (Continue) sent before the final response, which then goes on with it. */
  #interim: ResponseWriter | null = null;
  #response: CoreResponse | null = null;
  #expectedLength = -1;
  #paused = false;
  #startedAt = 0;
  #done = false;
  /** Answered 431: whatever else arrives on the stream is ignored. */
  #refused = false;

  constructor(ctx: RequestStreamContext, id: number, maxFrameSize: number) {
    this.#ctx = ctx;
    this.#id = id;
    this.#reader = new FrameReader({ stream: 'request', maxFrameSize });
  }

  get id(): number {
    return this.#id;
  }

  /** Stream bytes from the engine; returns false to pause delivery (request-body backpressure). */
  onData(data: Uint8Array, fin: boolean): boolean {
    if (this.#done || this.#refused) return true;
    try {
      // The engine's buffer is only ours during this call, and the reader keeps views: copy once.
      if (data.byteLength > 0) this.#reader.push(Buffer.from(data));
      this.#drainFrames(fin);
      if (fin) this.#finishRequest();
    } catch (e) {
      // A HEADERS frame longer than the limit is refused by the reader before it is buffered. An
      // encoder never makes a field line longer than its RFC 9114 §4.2.2 size (name + value + 32),
      // so the field section is over the limit too: the same 431 as when the decoder finds it so.
      if (e instanceof FieldSectionTooLargeError && this.#request === null) {
        this.#refuseTooLarge();
        return true;
      }
      this.#protocolError(e);
    }
    return !this.#paused;
  }

  onReset(): void {
    this.#cancel();
  }

  onStopped(): void {
    this.#cancel();
  }

  onWritable(): void {
    this.#writer?.onWritable();
  }

  /** The connection is going away: abandon the exchange. */
  abort(): void {
    this.#cancel();
  }

  get responding(): boolean {
    return this.#request !== null;
  }

  #drainFrames(fin: boolean): void {
    for (let f = this.#reader.next(); f !== null; f = this.#reader.next()) {
      if (f.type === FrameType.HEADERS) {
        if (this.#request === null) this.#onHeaders(f.payload, fin && this.#reader.buffered === 0);
        // A second HEADERS is trailers (§4.1): validated by the reader's placement rules, not used.
      } else if (f.type === FrameType.DATA && f.payload.byteLength > 0) {
        this.#onData(f.payload);
      }
    }
  }

  #onHeaders(block: Uint8Array, endOfStream: boolean): void {
    let head;
    try {
      head = toRequestHead(decodeFieldSection(block, this.#ctx.maxFieldSectionSize, this.#ctx.literals));
    } catch (e) {
      if (e instanceof FieldSectionTooLargeError) return this.#refuseTooLarge();
      throw e;
    }
    if (head.method === 'CONNECT') throw streamError(H3Code.H3_REQUEST_REJECTED, 'CONNECT is not supported');
    // RFC 9110 §10.1.1: an expectation other than 100-continue cannot be met (417), as on HTTP/1.1 and
    // HTTP/2 (node:http, src/h2/serve-stream.ts).
    const expect = head.headers['expect'];
    if (typeof expect === 'string' && expect.toLowerCase() !== '100-continue') return this.#refuse(417, noBody);
    const cl = head.headers['content-length'];
    if (typeof cl === 'string') this.#expectedLength = Number(cl);
    // §4.1.2: a request that ends with its HEADERS yet declares a body is malformed.
    if (endOfStream && this.#expectedLength > 0) throw streamError(H3Code.H3_MESSAGE_ERROR, 'body shorter than content-length');
    if (!endOfStream) {
      this.#body = new RequestBody(() => this.#resume());
      // The 100 when the body is first read, as on the other listeners (src/core/continue-on-read.ts
      // says why); interim responses are HEADERS frames before the final one (RFC 9114 §4.1).
      if (expect !== undefined) continueOnFirstRead(this.#body, () => this.#sendContinue());
    }
    this.#request = new H3CoreRequest(head, this.#body, this.#ctx.conn.remoteAddress);
    this.#startedAt = performance.now();
    // Always answered from a microtask, even when the core answers at once: this runs inside the frame
    // reader's loop, and a response written (and possibly completed, ending the stream) from here
    // would race the rest of the packet's frames, such as the request body and its end.
    Promise.resolve(this.#ctx.core.handle(this.#request)).then(
      (res) => {
        // A response that cannot be written (a bug in a writer) resets this stream only: a throw from
        // here would be an unhandled rejection, which ends the process.
        try {
          this.#respond(res);
        } catch {
          this.#ctx.conn.streamShutdown(this.#id, 'write', H3Code.H3_INTERNAL_ERROR);
          if (this.#writer !== null) this.#writer.abort();
          else this.#finishExchange(res, { bytesSent: 0, complete: false });
        }
      },
      // The core answers its own failures with 500s; should it ever reject, the stream is reset and
      // forgotten rather than left open (it would hold a drain until the deadline).
      () => {
        this.#ctx.conn.streamShutdown(this.#id, 'write', H3Code.H3_INTERNAL_ERROR);
        this.#cancel();
        this.#end();
      },
    );
  }

  #onData(piece: Uint8Array): void {
    const body = this.#body;
    if (body === null) return;
    body.received += piece.byteLength;
    // §4.1.2: DATA beyond the declared content-length makes the request malformed.
    if (this.#expectedLength >= 0 && body.received > this.#expectedLength) {
      throw streamError(H3Code.H3_MESSAGE_ERROR, 'body longer than content-length');
    }
    if (!body.push(piece)) this.#paused = true;
  }

  #finishRequest(): void {
    this.#reader.finish();
    const body = this.#body;
    if (body !== null && !body.readableEnded) {
      if (this.#expectedLength >= 0 && body.received !== this.#expectedLength) {
        throw streamError(H3Code.H3_MESSAGE_ERROR, 'body shorter than content-length');
      }
      body.push(null);
    }
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#ctx.conn.streamResumeRead(this.#id);
  }

  #respond(res: CoreResponse): void {
    const req = this.#request!;
    if (this.#done || req.aborted) {
      this.#finishExchange(res, { bytesSent: 0, complete: false });
      return;
    }
    this.#response = res;
    this.#writer = this.#interim ?? this.#newWriter();
    this.#writer.write(res, req.method === 'HEAD');
  }

  #newWriter(): ResponseWriter {
    return new ResponseWriter(this.#ctx.conn, this.#id, (outcome) => this.#finishExchange(this.#response!, outcome));
  }

  #sendContinue(): void {
    if (this.#writer !== null || this.#done || this.#request === null || this.#request.aborted) return;
    this.#interim ??= this.#newWriter();
    this.#interim.interim(100);
  }

  #finishExchange(res: CoreResponse, outcome: WriteOutcome): void {
    const req = this.#request!;
    if (!outcome.complete) req.markAborted();
    const received = this.#body?.received ?? 0;
    this.#ctx.core.finish(req, res, { bytesSent: outcome.bytesSent, bytesReceived: received, aborted: !outcome.complete }, this.#startedAt);
    // §4.1.2: once the response is complete the server may stop reading an unfinished request body.
    if (this.#body !== null && !this.#body.readableEnded) this.#ctx.conn.streamShutdown(this.#id, 'read', H3Code.H3_NO_ERROR);
    this.#end();
  }

  // §4.2.2 / §10.5.1: an oversized field section is answered with 431 rather than a reset, so the
  // client learns why; the connection keeps serving.
  #refuseTooLarge(): void {
    this.#refuse(431, { kind: 'bytes', data: tooLargeBody });
  }

  /** Answers at once, outside the core, and stops reading the request (what else arrives is ignored). */
  #refuse(status: number, body: typeof noBody | { kind: 'bytes'; data: Buffer }): void {
    this.#refused = true;
    const headers: ResponseHeaders = body.kind === 'bytes' ? { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.data.length } : { 'content-length': 0 };
    const writer = new ResponseWriter(this.#ctx.conn, this.#id, () => this.#end());
    this.#writer = writer;
    writer.write({ status, headers, body }, false);
    this.#ctx.conn.streamShutdown(this.#id, 'read', H3Code.H3_NO_ERROR);
  }

  #protocolError(e: unknown): void {
    if (e instanceof H3Error && e.scope === 'connection') {
      this.#cancel();
      this.#ctx.connectionError(e.code, e.message);
      return;
    }
    const code = e instanceof H3Error ? e.code : H3Code.H3_INTERNAL_ERROR;
    // A malformed request (§4.1.2) is a stream error: reset both directions with the code.
    this.#ctx.conn.streamShutdown(this.#id, 'read', code);
    this.#ctx.conn.streamShutdown(this.#id, 'write', code);
    this.#cancel();
  }

  #cancel(): void {
    if (this.#done) return;
    // Stop reading too, so nothing more arrives for a stream this side has forgotten.
    this.#ctx.conn.streamShutdown(this.#id, 'read', H3Code.H3_REQUEST_CANCELLED);
    this.#request?.markAborted();
    if (this.#writer !== null) this.#writer.abort();
    else if (this.#request === null) this.#end();
    // With a request but no writer yet, the core is still working: #respond() will report the abort.
  }

  #end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#ctx.ended(this.#id);
  }
}
