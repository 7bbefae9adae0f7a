// The response fields rws puts on every /healthz answer (src/core/app.ts, src/core/responses.ts), for the
// bare servers' "same fields" variant: it measures what node itself costs for the fields the issues
// require, i.e. the ceiling a translator into node's HTTP stack can reach, apart from rws's own work.
// Built as one object literal: an object made by spreading two others measured ~30 % slower through
// node's header writer (same fields, bare node:http, wrk -c50), which would flatter rws.
let counter = 0;
const prefix = 'Ab3dE5gH1jK2-';
const hsts = 'max-age=63072000; includeSubDomains';
const altSvc = 'h3=":7443"; ma=86400';

export function h1Fields(contentLength: number): Record<string, string | number> {
  return {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': contentLength,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-request-id': prefix + (++counter).toString(36),
  };
}

export function h2Fields(contentLength: number): Record<string, string | number> {
  return {
    ':status': 200,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': contentLength,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-request-id': prefix + (++counter).toString(36),
    'strict-transport-security': hsts,
    'alt-svc': altSvc,
  };
}
