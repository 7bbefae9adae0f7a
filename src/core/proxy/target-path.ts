// The request target sent to the origin, in origin-form (RFC 9112 §3.2.1).

/** The upstream URL's path as a prefix: '' for '/', otherwise without its trailing slash. */
export function basePath(upstream: URL): string {
  return upstream.pathname.replace(/\/+$/, '');
}

// A dot-segment (RFC 3986 §3.3) in the path, before any query: "." or "..", the dots raw or as %2E
// (the same character, §6.2.2.2), between "/", "\" (WHATWG URL parsers read it as "/" in http(s)
// URLs) or their encodings %2F and %5C (for origins that decode before they resolve). Clients remove
// dot-segments before sending (§5.2.4), so only a crafted request has one; forwarded, it could resolve
// above the upstream URL's path at the origin. One anchored test, linear in the path, no allocation.
const dotSegment = /^[^?]*?(?:[/\\]|%2f|%5c)(?:\.|%2e){1,2}(?:[/\\?]|%2f|%5c|$)/i;

/**
 * `base` + the client's path and query, as sent. Listeners hand the core origin-form targets (HTTP/1.1
 * reduces absolute-form itself, src/node-http/request-target.ts; HTTP/2 and HTTP/3 carry nothing else),
 * so anything that does not start with '/' (asterisk-form, garbage), and a path with a dot-segment, is
 * not forwarded: null.
 */
export function targetPath(base: string, path: string): string | null {
  if (!path.startsWith('/') || dotSegment.test(path)) return null;
  return base + path;
}
