// Small constructors for the core's own responses (health, errors): short text bodies, no caching.
import type { CoreResponse, ResponseHeaders } from './contract.js';
import type { Route } from './observability/labels.js';

const textType = 'text/plain; charset=utf-8';

export function textResponse(status: number, text: string, route: Route, extra?: ResponseHeaders): CoreResponse {
  const data = Buffer.from(text + '\n');
  return {
    status,
    headers: { 'content-type': textType, 'content-length': data.length, 'cache-control': 'no-store', ...extra },
    body: { kind: 'bytes', data },
    route,
  };
}

/** Same headers as GET, no body (RFC 9110 §9.3.2). */
export function withoutBody(res: CoreResponse): CoreResponse {
  return { ...res, body: { kind: 'empty' } };
}
