// Translates an HTTP/2 stream (node's stream API: the stream and its header object) into the core's
// CoreRequest. The header object keeps the pseudo-headers, as the core expects of h2 and h3 requests.
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Readable } from 'node:stream';
import type { CoreRequest, Protocol, RequestHeaders } from '../core/contract.js';
import { AbortableRequest } from '../core/abortable-request.js';

export class StreamRequest extends AbortableRequest implements CoreRequest {
  readonly method: string;
  readonly scheme = 'https' as const;
  readonly authority: string;
  readonly path: string;
  readonly headers: RequestHeaders;
  readonly body: Readable | null;
  readonly protocol: Protocol = 'h2';
  readonly remoteAddress: string;

  constructor(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, remoteAddress: string) {
    super();
    this.method = headers[':method'] ?? 'GET';
    this.path = headers[':path'] ?? '/';
    this.headers = headers as RequestHeaders;
    // RFC 9113 §8.3.1: :authority, or Host when a client sends that instead.
    this.authority = headers[':authority'] ?? headers.host ?? '';
    // A body unless the HEADERS frame carried END_STREAM.
    this.body = stream.endAfterHeaders ? null : stream;
    this.remoteAddress = remoteAddress;
  }
}
