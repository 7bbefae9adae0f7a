// The header section sent to the origin: the client's end-to-end fields, with Host kept, and the fields
// that tell the origin who asked and how (X-Forwarded-*, Via, X-Request-Id).
import type { CoreRequest } from '../contract.js';
import { appendToList, viaEntry } from './forwarded.js';
import { endToEnd } from './hop-by-hop.js';
import { decremented } from './max-forwards.js';

// Expect: the listener already answered 100-continue itself (node does), and undici refuses the field.
// host, x-forwarded-*, via: set below from what this edge knows, never copied from the client.
// The rest are claims about earlier proxies. rws-edge is the first hop (the Service in front of it is
// L4): nothing before it is a proxy the origin could trust, so a client's own Forwarded (RFC 7239),
// X-Forwarded-Port/-Prefix/-Ssl/-Scheme or X-Real-IP would only let it pose as another address, scheme
// or host to an origin that believes what its proxy sends. Dropped, not replaced: the origin gets the
// edge's facts from X-Forwarded-For/-Proto/-Host.
const replaced = new Set([
  'host',
  'expect',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'via',
  'forwarded',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-ssl',
  'x-forwarded-scheme',
  'x-real-ip',
]);

export type UpstreamHeaders = Record<string, string | string[]>;

/**
 * Host stays the client's authority (as nginx with `proxy_set_header Host $host`, Envoy and Caddy do):
 * virtual hosts, redirects and absolute links at the origin keep naming the public host. `fallbackHost`
 * (the origin's own host) is used only when the client sent none. `maxForwards`: the valid
 * Max-Forwards of an OPTIONS or TRACE request (max-forwards.ts), above 0.
 */
export function upstreamRequestHeaders(req: CoreRequest, fallbackHost: string, maxForwards?: number): UpstreamHeaders {
  const h: UpstreamHeaders = endToEnd(req.headers, replaced);
  h['host'] = req.authority || fallbackHost;
  // The edge is the first hop, so the peer it saw is the client: a list the client sent is its own claim
  // and is replaced, not appended to (an origin reading the leftmost entry would take it as the client).
  const peer = plainAddress(req.remoteAddress);
  if (peer !== '') h['x-forwarded-for'] = peer;
  // Scheme and host are facts this edge observed: a client's own claims are overwritten, not kept.
  h['x-forwarded-proto'] = req.scheme;
  if (req.authority !== '') h['x-forwarded-host'] = req.authority;
  h['via'] = appendToList(req.headers['via'], viaEntry(req.protocol, req.httpVersion));
  if (req.requestId !== undefined) h['x-request-id'] = req.requestId;
  // RFC 9110 §7.6.2: an OPTIONS or TRACE with Max-Forwards above 0 goes on with the value decremented.
  if (maxForwards !== undefined) h['max-forwards'] = decremented(maxForwards);
  return h;
}

// A dual-stack socket (RWS_CONFIG_IP=::) reports IPv4 peers as '::ffff:192.0.2.1'; origins expect the IPv4
// form (RFC 4291 §2.5.5.2 mapped addresses are a socket API artefact, not the client's address).
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}
