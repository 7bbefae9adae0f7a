// The core's response headers as an HTTP/2 header block. Connection-specific fields (Connection,
// Keep-Alive, ...) are HTTP/1.1's and malformed in HTTP/2 (RFC 9113 §8.2.2): node's stream API throws
// on them, so they are left out here (the core adds `connection: close` to a 413, for HTTP/1.1).
//
// Two shapes, by what the running node takes fastest:
// - Node 24.7 and later take a flat [name, value, ...] list (nodejs/node#59455). Their header-object
//   path copies the object into a dictionary-mode one before validating it: a bare node:http2 server
//   with rws's fields counted ~136k instructions per response with an object and ~126k with the list
//   (callgrind, Node 24.21).
// - Earlier versions take only the object, used in place: every response has a header map of its own
//   (the core never shares one, see test/core/handle-settles), and node's respond() writes `date` into
//   the object it is given anyway. A copy into a new object was ~1500 instructions per response.
import { sensitiveHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { CONNECTION_SPECIFIC_FIELDS, isConnectionSpecific } from '../core/connection-specific.js';
import type { ResponseHeaders } from '../core/contract.js';

// A field whose value differs on every response is sent as a literal that is never indexed (RFC 7541
// §6.2.3): with incremental indexing (nghttp2's choice for unknown names) each request id is inserted into
// the HPACK dynamic table and evicts the entries later responses would reuse; nghttp2's encoder spent
// ~6000 instructions per /healthz response on those insertions, evictions and table searches, ~1500
// without them (callgrind). node:http2 offers no "without indexing", only never-indexed, through this symbol.
const notIndexed = ['x-request-id'];

/** Whether this node's ServerHttp2Stream#respond() takes a flat list of fields (Node >= 24.7). */
export function respondTakesList(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 24 || (major === 24 && minor >= 7);
}

const asList = respondTakesList();

/**
 * What to hand to respond(): a list where node takes one, else the core's map, completed in place. Typed
 * as the map because the type definitions (Node 20's) know only that form.
 */
export function responseHeaders(status: number, headers: ResponseHeaders): OutgoingHttpHeaders {
  return asList ? (headerList(status, headers) as unknown as OutgoingHttpHeaders) : headerMap(status, headers);
}

export function headerList(status: number, headers: ResponseHeaders): string[] {
  const list: string[] = [':status', String(status)];
  for (const name in headers) {
    if (isConnectionSpecific(name)) continue;
    const value = headers[name];
    if (value === undefined) continue; // as node skips an undefined field in a map
    if (typeof value === 'string') list.push(name, value);
    else if (typeof value === 'number') list.push(name, String(value));
    else for (const v of value) list.push(name, v);
  }
  (list as unknown as Record<symbol, unknown>)[sensitiveHeaders] = notIndexed;
  return list;
}

export function headerMap(status: number, headers: ResponseHeaders): OutgoingHttpHeaders {
  for (const name of CONNECTION_SPECIFIC_FIELDS) if (headers[name] !== undefined) delete headers[name];
  const block = headers as OutgoingHttpHeaders;
  block[':status'] = status;
  (block as Record<symbol, unknown>)[sensitiveHeaders] = notIndexed;
  return block;
}
