// Translates node's request objects (http.IncomingMessage for HTTP/1.1, the http2 compat request for
// HTTP/2) into the core's CoreRequest. Shared by src/h1 and src/h2, which both sit on node's HTTP stack.
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Readable } from 'node:stream';
import type { CoreRequest, Protocol, RequestHeaders } from '../core/contract.js';

export type NodeRequest = IncomingMessage | Http2ServerRequest;

export class NodeCoreRequest implements CoreRequest {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  readonly authority: string;
  readonly path: string;
  readonly headers: RequestHeaders;
  readonly body: Readable | null;
  readonly protocol: Protocol;
  readonly #raw: NodeRequest;
  // Created on first use: most requests (static files) never look at it, and AbortController is not free.
  #abort: AbortController | undefined;
  #aborted = false;
  #remote: string | undefined;

  constructor(raw: NodeRequest, protocol: Protocol, scheme: 'http' | 'https') {
    this.#raw = raw;
    this.protocol = protocol;
    this.scheme = scheme;
    this.method = raw.method ?? 'GET';
    this.path = raw.url ?? '/';
    this.headers = raw.headers as RequestHeaders;
    const h = raw.headers;
    this.authority = (protocol === 'h1' ? h.host : (h[':authority'] as string | undefined) ?? h.host) ?? '';
    this.body = hasBody(raw, protocol) ? (raw as Readable) : null;
    // HTTP/2's compat socket answers undefined once the stream has closed, which is when the access log
    // reads it: read it now.
    if (protocol === 'h2') void this.remoteAddress;
  }

  get remoteAddress(): string {
    return (this.#remote ??= this.#raw.socket?.remoteAddress ?? '');
  }

  get signal(): AbortSignal {
    this.#abort ??= new AbortController();
    if (this.#aborted) this.#abort.abort();
    return this.#abort.signal;
  }

  /** Called by the listener when the client went away before the response was complete. */
  markAborted(): void {
    this.#aborted = true;
    this.#abort?.abort();
  }
}

// RFC 9112 §6.3: an HTTP/1.1 request has a body only with Content-Length or Transfer-Encoding.
// HTTP/2: a body unless the HEADERS frame carried END_STREAM.
function hasBody(raw: NodeRequest, protocol: Protocol): boolean {
  if (protocol === 'h2') return !(raw as Http2ServerRequest).stream.endAfterHeaders;
  const h = raw.headers;
  if (h['transfer-encoding'] !== undefined) return true;
  const cl = h['content-length'];
  return cl !== undefined && cl !== '0';
}
