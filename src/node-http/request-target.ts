// The authority and path of an HTTP/1.1 request as RFC 9112 §3.2 defines them, where node's parser
// leaves them as sent: node keeps the first of several Host lines, accepts any octets in Host, and
// passes an absolute-form target through as the URL. Over TLS (http2's allowHTTP1 side) it does not
// even require Host. The authority goes on to the origin as Host, so these rules matter for a proxy:
// two front ends that read two Host lines differently is a request-smuggling and cache-poisoning tool.
import type { IncomingMessage } from 'node:http';
import { isAuthority } from '../core/authority.js';

export interface RequestTarget {
  authority: string;
  path: string;
  /** Why the request is malformed (→ 400), or undefined. */
  malformed: string | undefined;
}

export function requestTarget(raw: IncomingMessage): RequestTarget {
  const url = raw.url ?? '/';
  const host = hostLine(raw.rawHeaders);
  let malformed: string | undefined;
  // §3.2: 400 for an HTTP/1.1 request without Host, for more than one Host line, for an invalid one.
  if (host === undefined) {
    if (raw.httpVersionMajor === 1 && raw.httpVersionMinor >= 1) malformed = 'no Host';
  } else if (host === null) malformed = 'more than one Host';
  else if (!isAuthority(host)) malformed = 'invalid Host';
  if (url.charCodeAt(0) === 0x2f || url === '*') return { authority: host ?? '', path: url, malformed };
  return absoluteForm(url, host ?? '', malformed);
}

/** The one Host value; undefined when there is none, null when there are several. */
function hostLine(rawHeaders: readonly string[]): string | null | undefined {
  let value: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length !== 4 || (name !== 'Host' && name !== 'host' && name.toLowerCase() !== 'host')) continue;
    if (value !== undefined) return null;
    value = rawHeaders[i + 1]!;
  }
  return value;
}

// §3.2.2: an absolute-form target's authority replaces Host (which must still be present and valid);
// its path, or "/" when it has none, is the path. Other forms (authority-form is CONNECT's, refused by
// the listener) are left for the router, which answers them 404.
function absoluteForm(url: string, host: string, malformed: string | undefined): RequestTarget {
  const m = /^https?:\/\/([^/?#]*)([^#]*)/i.exec(url);
  if (m === null) return { authority: host, path: url, malformed };
  const authority = m[1]!;
  const rest = m[2]!;
  if (authority === '' || !isAuthority(authority)) return { authority: host, path: url, malformed: malformed ?? 'invalid request target' };
  return { authority, path: rest === '' ? '/' : rest.charCodeAt(0) === 0x3f ? `/${rest}` : rest, malformed };
}
