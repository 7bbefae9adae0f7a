// Connection-specific header fields (RFC 9110 §7.6.1): they describe one hop, so a proxy removes them,
// and every field the Connection header names, before forwarding a message in either direction.
// Hand-written: the rule is a dozen lines and no maintained package does just this.
import { CONNECTION_SPECIFIC_FIELDS } from '../connection-specific.js';

/** Fields that are always connection-specific, whatever Connection says. */
const hopByHop = new Set([
  ...CONNECTION_SPECIFIC_FIELDS,
  'te',
  'trailer',
  // Proxy authentication is between the client and this edge, never the origin's business (RFC 9110 §11.7).
  'proxy-authenticate',
  'proxy-authorization',
  // The h2c upgrade token (RFC 7540 §3.2.1); meaningless past the first hop.
  'http2-settings',
]);

type HeaderValue = string | string[] | number | undefined;

/** The field names a Connection header lists (RFC 9110 §7.6.1), lower-cased. */
function connectionOptions(value: HeaderValue): Set<string> {
  const named = new Set<string>();
  if (value === undefined) return named;
  for (const part of Array.isArray(value) ? value : [String(value)]) {
    for (const token of part.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '') named.add(name);
    }
  }
  return named;
}

/**
 * The end-to-end fields of a header map (lower-case names): hop-by-hop fields, the fields Connection
 * names, HTTP/2 and HTTP/3 pseudo-headers (':method'…) and anything in `drop` are left out.
 */
export function endToEnd<V extends HeaderValue>(
  headers: Readonly<Record<string, V>>,
  drop: ReadonlySet<string> = new Set(),
): Record<string, Exclude<V, undefined>> {
  const named = connectionOptions(headers['connection']);
  const out: Record<string, Exclude<V, undefined>> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (hopByHop.has(name) || named.has(name) || drop.has(name)) continue;
    out[name] = value as Exclude<V, undefined>;
  }
  return out;
}
