// Fields that describe one HTTP/1.1 connection (RFC 9110 §7.6.1) and that an HTTP/2 or HTTP/3 message
// must not carry (RFC 9113 §8.2.2, RFC 9114 §4.2). One list for every place that needs it: the HTTP/2
// and HTTP/3 listeners leave them out of responses, HTTP/3 refuses requests that carry them, and the
// proxy's hop-by-hop set (./proxy/hop-by-hop.ts) starts from it.
export const CONNECTION_SPECIFIC_FIELDS: readonly string[] = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'];

const connectionSpecific: ReadonlySet<string> = new Set(CONNECTION_SPECIFIC_FIELDS);

/** Whether `name` (lower-case) is one of CONNECTION_SPECIFIC_FIELDS: one hash lookup, for per-field paths. */
export function isConnectionSpecific(name: string): boolean {
  return connectionSpecific.has(name);
}
