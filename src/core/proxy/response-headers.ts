// The header section sent back to the client: the origin's end-to-end fields plus this hop's Via, made
// valid for every protocol the client may be on. An origin's mistakes must not reach the client as a
// malformed message (HTTP/2 and HTTP/3 clients reset a stream over one), nor break a listener: node's
// HTTP/2 stack throws on a repeated singleton field.
import type { ResponseHeaders } from '../contract.js';
import { appendToList } from './forwarded.js';
import { endToEnd } from './hop-by-hop.js';

// undici talks HTTP/1.1 to the origin, so that is the protocol this hop received the response with.
const viaFromOrigin = '1.1 rws-edge';
const replaced = new Set(['via']);

// Fields defined as one value (RFC 9110 §5.3: a sender must not repeat them; the values cannot be
// combined). Repeated by an origin, the first line is kept, as node:http does when it parses a message.
const singletons = [
  'age',
  'content-location',
  'content-range',
  'content-type',
  'date',
  'etag',
  'expires',
  'last-modified',
  'location',
  'retry-after',
  'access-control-allow-credentials',
  'access-control-allow-origin',
  'access-control-max-age',
  'x-content-type-options',
];
// List fields node:http2 nevertheless takes as one value: repeated lines are combined (§5.3).
const combined = ['content-encoding', 'content-language'];

export function clientResponseHeaders(
  origin: Readonly<Record<string, string | string[] | undefined>>,
  status: number,
): ResponseHeaders {
  const h: ResponseHeaders = endToEnd(origin, replaced);
  h['via'] = appendToList(origin['via'], viaFromOrigin);
  for (const name of singletons) {
    const v = h[name];
    if (Array.isArray(v)) h[name] = v[0]!;
  }
  for (const name of combined) {
    const v = h[name];
    if (Array.isArray(v)) h[name] = v.join(', ');
  }
  // RFC 9110 §8.6: no Content-Length in a 204 (nor in a 1xx, which never gets here). HTTP/2 and HTTP/3
  // clients treat one as malformed (RFC 9113 §8.1.1).
  if (status === 204) delete h['content-length'];
  return h;
}

/**
 * The head of a 101 relayed to the client: the origin's end-to-end fields (Sec-WebSocket-Accept,
 * -Protocol, -Extensions among them, RFC 6455 §4.2.2) and Via, plus this hop's own Upgrade and Connection:
 * both are hop-by-hop (RFC 9112 §9.6, RFC 9110 §7.8) yet a 101 must name the protocol switched to, and
 * this hop switches to the one the origin did.
 */
export function switchedResponseHeaders(origin: Readonly<Record<string, string | string[] | undefined>>): ResponseHeaders {
  const h = clientResponseHeaders(origin, 101);
  const upgrade = origin['upgrade'];
  h['upgrade'] = (Array.isArray(upgrade) ? upgrade[0] : upgrade) ?? 'websocket';
  h['connection'] = 'upgrade';
  return h;
}

/** RFC 9110 §15: a status code is three digits, 100 to 599; anything else from the origin is a 502. */
export function validFinalStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 599;
}
