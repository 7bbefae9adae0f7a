// Small constructors for the core's own responses (health, errors): short text bodies, no caching.
import type { CoreResponse, ResponseHeaders } from './contract.js';
import type { Route } from './observability/labels.js';

const textType = 'text/plain; charset=utf-8';

// The texts are the core's own constants (a handful), so each is encoded once; listeners never write
// into a body's bytes, so responses can share them.
const encoded = new Map<string, Buffer>();

export function textResponse(status: number, text: string, route: Route, extra?: ResponseHeaders): CoreResponse {
  let data = encoded.get(text);
  if (data === undefined) encoded.set(text, (data = Buffer.from(text + '\n')));
  const headers: ResponseHeaders = { 'content-type': textType, 'content-length': data.length, 'cache-control': 'no-store' };
  if (extra !== undefined) Object.assign(headers, extra);
  return { status, headers, body: { kind: 'bytes', data }, route };
}

/** Same headers as GET, no body (RFC 9110 §9.3.2). */
export function withoutBody(res: CoreResponse): CoreResponse {
  return { ...res, body: { kind: 'empty' } };
}
