// RWS_CONFIG_MAX_HEADER_SIZE over HTTP/2. The limit goes out as SETTINGS_MAX_HEADER_LIST_SIZE, and
// node resets streams over it (ENHANCE_YOUR_CALM), but only once the client has acknowledged our
// SETTINGS: node reads the acknowledged value. A client that sends its requests first, or never
// acknowledges, had 64 KiB fields forwarded to the origin (measured, test/exhaustion/oversized-headers).
// So the size is also checked per request, as HTTP/1.1 and HTTP/3 do, with RFC 7541 §4.1's measure
// (name + value + 32 per field, the one SETTINGS_MAX_HEADER_LIST_SIZE uses).
import type { ServerHttp2Stream } from 'node:http2';

/** Answers 431 and returns true when the request's header list is larger than `limit`. */
export function refuseLargeHeaders(stream: ServerHttp2Stream, rawHeaders: string[], limit: number): boolean {
  let size = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) size += rawHeaders[i]!.length + rawHeaders[i + 1]!.length + 32;
  if (size <= limit) return false;
  stream.respond({ ':status': 431, 'content-length': 0, 'cache-control': 'no-store' }, { endStream: true });
  return true;
}
