// RFC 9110 §6.6.1: an origin server with a clock sends Date in every response. node:http and
// node:http2 add it for the other listeners; this is the HTTP/3 listener's. The field has a resolution
// of one second, so its QPACK field line is encoded once per second and copied into each head.
import { encodeFieldSection } from './qpack/encoder.js';

let second = -1;
let line: Uint8Array = new Uint8Array(0);

/** The encoded `date` field line for now (no field-section prefix). */
export function dateFieldLine(now: number = Date.now()): Uint8Array {
  const s = Math.floor(now / 1000);
  if (s !== second) {
    second = s;
    // toUTCString() is the IMF-fixdate form (RFC 9110 §5.6.7). The section's two prefix bytes
    // (Required Insert Count, Base) are dropped: encodeResponseHead writes its own.
    line = encodeFieldSection(['date', new Date(s * 1000).toUTCString()]).subarray(2);
  }
  return line;
}
