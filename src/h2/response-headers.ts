// The core's response headers as an HTTP/2 header block. Connection-specific fields (Connection,
// Keep-Alive, ...) are HTTP/1.1's and malformed in HTTP/2 (RFC 9113 §8.2.2): node's stream API throws
// on them, so they are left out here (the core adds `connection: close` to a 413, for HTTP/1.1).
import type { OutgoingHttpHeaders } from 'node:http2';
import type { ResponseHeaders } from '../core/contract.js';

const connectionSpecific = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export function responseHeaders(status: number, headers: ResponseHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ':status': status };
  for (const name in headers) {
    if (!connectionSpecific.has(name)) out[name] = headers[name];
  }
  return out;
}
