// The core's view of one HTTP/3 request: a CoreRequest built from a validated request head
// (request-head.ts) and the stream's body.
import { Readable } from 'node:stream';
import type { CoreRequest, RequestHeaders } from '../core/contract.js';
import { AbortableRequest } from '../core/abortable-request.js';
import type { RequestHead } from './request-head.js';

export class H3CoreRequest extends AbortableRequest implements CoreRequest {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  readonly authority: string;
  readonly path: string;
  readonly headers: RequestHeaders;
  readonly body: Readable | null;
  readonly remoteAddress: string;
  readonly protocol = 'h3' as const;
  requestId?: string;

  constructor(head: RequestHead, body: Readable | null, remoteAddress: string) {
    super();
    this.method = head.method;
    this.scheme = head.scheme === 'http' ? 'http' : 'https';
    this.authority = head.authority;
    this.path = head.path;
    this.headers = head.headers;
    this.body = body;
    this.remoteAddress = remoteAddress;
  }

  /** The client cancelled (RESET_STREAM / STOP_SENDING) or the connection closed: the body fails too. */
  override markAborted(): void {
    if (this.aborted) return;
    super.markAborted();
    if (this.body !== null && !this.body.destroyed) this.body.destroy(new Error('request cancelled by the client'));
  }
}

/**
 * A request body fed from the QUIC stream. Receive backpressure: when the consumer stops reading,
 * `push()` returns false, the stream reports that to the engine (which stops extending the peer's
 * flow-control window), and `_read()` resumes delivery.
 */
export class RequestBody extends Readable {
  readonly #resume: () => void;
  received = 0;

  constructor(resume: () => void) {
    super({ highWaterMark: 256 * 1024 });
    this.#resume = resume;
    // A cancelled or malformed request fails its body (markAborted), and most handlers (static files,
    // /healthz) never read a body: without a listener that 'error' would be uncaught and end the
    // process. Consumers that do read it (the proxy's upload) still get the error through their own.
    this.on('error', ignore);
  }

  override _read(): void {
    this.#resume();
  }
}

function ignore(): void {}
