// The request target sent to the origin, in origin-form (RFC 9112 §3.2.1).

/** The upstream URL's path as a prefix: '' for '/', otherwise without its trailing slash. */
export function basePath(upstream: URL): string {
  return upstream.pathname.replace(/\/+$/, '');
}

/**
 * `base` + the client's path and query, as sent. A client may use absolute-form (RFC 9112 §3.2.2,
 * "GET http://host/x"); it is reduced to origin-form. Anything else that does not start with '/'
 * (asterisk-form, garbage) has no meaning for the origin: null.
 */
export function targetPath(base: string, path: string): string | null {
  if (path.startsWith('/')) return base + path;
  if (/^https?:\/\//i.test(path)) {
    try {
      const u = new URL(path);
      return base + u.pathname + u.search;
    } catch {
      return null;
    }
  }
  return null;
}
