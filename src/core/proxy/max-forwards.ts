// Max-Forwards (RFC 9110 §7.6.2): on TRACE and OPTIONS, an intermediary that receives 0 must not
// forward the request but answer as its final recipient; otherwise it forwards the value decremented.
// Other methods may ignore the field (§7.6.2), and do: it goes on to the origin untouched.
import type { CoreRequest, CoreResponse } from '../contract.js';
import { textResponse } from '../responses.js';

// "the lesser of … the received value decremented by one … or the recipient's maximum supported value":
// values past this are not exact as numbers.
const MAX_SUPPORTED = 2 ** 31 - 1;
// Max-Forwards = 1*DIGIT (node has already removed the surrounding whitespace).
const digits = /^\d+$/;

/** The Max-Forwards of an OPTIONS or TRACE request; undefined for other methods, or no valid value. */
export function maxForwards(req: CoreRequest): number | undefined {
  if (req.method !== 'OPTIONS' && req.method !== 'TRACE') return undefined;
  const v = req.headers['max-forwards'];
  return typeof v === 'string' && digits.test(v) ? Number(v) : undefined;
}

/** The Max-Forwards value to send on for a received `value` above 0. */
export function decremented(value: number): string {
  return String(Math.min(value - 1, MAX_SUPPORTED));
}

/**
 * This edge's own answer to a request it must not forward (Max-Forwards: 0).
 * OPTIONS: 200 with no content, hence Content-Length: 0 (§9.3.7), and no Allow: the methods a proxied
 * resource supports are the origin's to say, and a list made up here would mislead (§10.2.1).
 * TRACE: 501. The final recipient SHOULD reflect the request back (§9.3.8); the edge does not, as it
 * would echo whatever credentials a client or a page's script put in it (cross-site tracing).
 */
export function answerAsFinalRecipient(req: CoreRequest): CoreResponse {
  if (req.method === 'TRACE') return textResponse(501, 'not implemented', 'proxy');
  return { status: 200, headers: { 'content-length': 0 }, body: { kind: 'empty' }, route: 'proxy' };
}
