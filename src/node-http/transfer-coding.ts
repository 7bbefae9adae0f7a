// Transfer-Encoding of an HTTP/1.1 request, which node's parser accepts more widely than RFC 9112
// allows (it served "Transfer-Encoding: gzip" and "gzip, chunked" requests). The rules (§6.1, §6.3):
// - chunked must be the final coding, and applied once; otherwise the body's length cannot be
//   determined: 400 and close (a request-smuggling vector when front ends disagree);
// - any other coding this server does not decode: 501 (the body would reach the origin still coded,
//   with nothing saying so, as Transfer-Encoding is hop-by-hop);
// - Transfer-Encoding in an HTTP/1.0 request is faulty framing: 400 and close.
import type { IncomingMessage } from 'node:http';
import type { Refusal } from '../core/contract.js';

export function transferCodingRefusal(raw: IncomingMessage): Refusal | undefined {
  const te = raw.headers['transfer-encoding'];
  if (te === undefined) return undefined;
  if (raw.httpVersionMajor === 1 && raw.httpVersionMinor === 0) return { status: 400, reason: 'Transfer-Encoding in HTTP/1.0' };
  const codings = te.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
  if (codings.length === 0 || codings[codings.length - 1] !== 'chunked' || codings.indexOf('chunked') !== codings.length - 1) {
    return { status: 400, reason: 'chunked is not the final transfer coding' };
  }
  if (codings.length > 1) return { status: 501, reason: 'a transfer coding other than chunked' };
  return undefined;
}
