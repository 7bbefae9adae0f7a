// The header section sent back to the client: the origin's end-to-end fields plus this hop's Via.
import type { ResponseHeaders } from '../contract.js';
import { appendToList } from './forwarded.js';
import { endToEnd } from './hop-by-hop.js';

// undici talks HTTP/1.1 to the origin, so that is the protocol this hop received the response with.
const viaFromOrigin = '1.1 rws-edge';
const replaced = new Set(['via']);

export function clientResponseHeaders(origin: Readonly<Record<string, string | string[] | undefined>>): ResponseHeaders {
  const h: ResponseHeaders = endToEnd(origin, replaced);
  h['via'] = appendToList(origin['via'], viaFromOrigin);
  return h;
}
