// The core's response headers as an HTTP/2 header block. Connection-specific fields (Connection,
// Keep-Alive, ...) are HTTP/1.1's and malformed in HTTP/2 (RFC 9113 §8.2.2): node's stream API throws
// on them, so they are left out here (the core adds `connection: close` to a 413, for HTTP/1.1).
//
// In place: every response has a header map of its own (the core never shares one, see
// test/core/handle-settles), and node's respond() writes `date` into the object it is given anyway.
// A copy into a new object was ~1500 instructions per response (callgrind, /healthz).
import { sensitiveHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { CONNECTION_SPECIFIC_FIELDS } from '../core/connection-specific.js';
import type { ResponseHeaders } from '../core/contract.js';

// A field whose value differs on every response is sent as a literal that is never indexed (RFC 7541
// §6.2.3): with incremental indexing (nghttp2's choice for unknown names) each request id is inserted into
// the HPACK dynamic table and evicts the entries later responses would reuse; nghttp2's encoder spent
// ~6000 instructions per /healthz response on those insertions, evictions and table searches, ~1500
// without them (callgrind).
// node:http2 offers no "without indexing", only never-indexed, through this symbol.
const notIndexed = ['x-request-id'];

export function responseHeaders(status: number, headers: ResponseHeaders): OutgoingHttpHeaders {
  for (const name of CONNECTION_SPECIFIC_FIELDS) if (headers[name] !== undefined) delete headers[name];
  const block = headers as OutgoingHttpHeaders;
  block[':status'] = status;
  (block as Record<symbol, unknown>)[sensitiveHeaders] = notIndexed;
  return block;
}
