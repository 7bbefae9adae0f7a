// Translates node's http.IncomingMessage (HTTP/1.1, plain or over TLS) into the core's CoreRequest.
// HTTP/2 streams have their own translation (src/h2/stream-request.ts).
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { CoreRequest, Protocol, Refusal, RequestHeaders } from '../core/contract.js';
import { AbortableRequest } from '../core/abortable-request.js';
import { requestTarget } from './request-target.js';
import { transferCodingRefusal } from './transfer-coding.js';

export class NodeCoreRequest extends AbortableRequest implements CoreRequest {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  readonly authority: string;
  readonly path: string;
  readonly headers: RequestHeaders;
  readonly body: Readable | null;
  readonly protocol: Protocol = 'h1';
  readonly refused: Refusal | undefined;
  readonly #raw: IncomingMessage;
  #remote: string | undefined;

  /**
   * `detached`: node's parser let go of the connection after this request's head (its 'upgrade' event),
   * so a body would never be read: such a request is refused (400) rather than left waiting forever.
   */
  constructor(raw: IncomingMessage, scheme: 'http' | 'https', detached = false) {
    super();
    this.#raw = raw;
    this.scheme = scheme;
    this.method = raw.method ?? 'GET';
    const target = requestTarget(raw);
    this.path = target.path;
    this.authority = target.authority;
    const body = hasBody(raw);
    this.refused =
      target.malformed !== undefined ? { status: 400, reason: target.malformed }
      : detached && body ? unreadableBody
      : transferCodingRefusal(raw);
    this.headers = raw.headers as RequestHeaders;
    this.body = body ? raw : null;
  }

  // A getter: node already keeps the string, and only the proxy's Via reads it.
  get httpVersion(): string {
    return this.#raw.httpVersion;
  }

  get remoteAddress(): string {
    return (this.#remote ??= this.#raw.socket?.remoteAddress ?? '');
  }
}

const unreadableBody: Refusal = { status: 400, reason: 'a request asking to upgrade may not carry content here' };

// RFC 9112 §6.3: an HTTP/1.1 request has a body only with Content-Length or Transfer-Encoding.
export function hasBody(raw: IncomingMessage): boolean {
  const h = raw.headers;
  if (h['transfer-encoding'] !== undefined) return true;
  const cl = h['content-length'];
  return cl !== undefined && cl !== '0';
}
