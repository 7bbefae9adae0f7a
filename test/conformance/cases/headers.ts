// Headers the core adds around static responses: Cache-Control, nosniff, HSTS and Alt-Svc (TLS only),
// and CORS with an allow-list (the conformance server allows https://allowed.example).
import assert from 'node:assert/strict';
import { type Case, expectStatus, get, lists } from '../case.js';

export const allowedOrigin = 'https://allowed.example';

export const headerCases: Case[] = [
  {
    name: 'Cache-Control from configuration, nosniff and Referrer-Policy',
    async run(d) {
      const res = await get(d, '/hello.txt');
      assert.equal(res.headers['cache-control'], 'public, max-age=0, must-revalidate');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'strict-origin-when-cross-origin');
    },
  },
  {
    name: 'Date on every response, an IMF-fixdate of now (RFC 9110 §6.6.1)',
    async run(d) {
      for (const path of ['/hello.txt', '/no-such-file', '/healthz']) {
        const res = await get(d, path);
        const date = res.headers.date;
        assert.match(date ?? '', /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/, `${path}: ${date}`);
        assert.ok(Math.abs(Date.parse(date!) - Date.now()) < 5000, `${path}: ${date} is not now`);
      }
    },
  },
  {
    name: 'HSTS on TLS only',
    async run(d) {
      const hsts = (await get(d, '/hello.txt')).headers['strict-transport-security'];
      if (d.secure) assert.equal(hsts, 'max-age=63072000; includeSubDomains');
      else assert.equal(hsts, undefined);
    },
  },
  {
    name: 'Alt-Svc advertises h3 on the TLS port, on TLS over TCP only',
    async run(d, ctx) {
      const altSvc = (await get(d, '/hello.txt')).headers['alt-svc'];
      if (d.secure && d.protocol !== 'h3') assert.equal(altSvc, `h3=":${ctx.ports.tls}"; ma=86400`);
      else assert.equal(altSvc, undefined);
    },
  },
  {
    name: 'CORS: an allowed Origin is echoed with Vary: Origin; others get nothing',
    async run(d) {
      const ok = await get(d, '/hello.txt', { origin: allowedOrigin });
      assert.equal(ok.headers['access-control-allow-origin'], allowedOrigin);
      assert.ok(lists(ok.headers.vary, 'origin'));
      assert.ok(lists(ok.headers.vary, 'accept-encoding'), 'Vary keeps Accept-Encoding');
      const other = await get(d, '/hello.txt', { origin: 'https://evil.example' });
      assert.equal(other.headers['access-control-allow-origin'], undefined);
      assert.ok(lists(other.headers.vary, 'origin'));
      assert.equal((await get(d, '/hello.txt')).headers['access-control-allow-origin'], undefined);
      // Errors carry it too, so the page can read why its request failed.
      assert.equal((await get(d, '/missing', { origin: allowedOrigin })).headers['access-control-allow-origin'], allowedOrigin);
    },
  },
  {
    name: 'CORS preflight: 204 with methods, headers and max-age for an allowed origin',
    async run(d) {
      const res = await d.request({
        method: 'OPTIONS',
        path: '/hello.txt',
        headers: { origin: allowedOrigin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type, x-token' },
      });
      expectStatus(res, 204);
      assert.equal(res.headers['access-control-allow-origin'], allowedOrigin);
      assert.ok(lists(res.headers['access-control-allow-methods'], 'PUT'));
      assert.equal(res.headers['access-control-allow-headers'], 'content-type, x-token');
      assert.ok(Number(res.headers['access-control-max-age']) > 0);
      const refused = await d.request({
        method: 'OPTIONS',
        path: '/hello.txt',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' },
      });
      expectStatus(refused, 204);
      assert.equal(refused.headers['access-control-allow-origin'], undefined);
      assert.equal(refused.headers['access-control-allow-methods'], undefined);
    },
  },
  {
    name: 'a 204 carries no Content-Length (RFC 9110 §8.6): preflight and a plain OPTIONS on a file',
    async run(d) {
      const preflight = await d.request({ method: 'OPTIONS', path: '/hello.txt', headers: { origin: allowedOrigin, 'access-control-request-method': 'GET' } });
      const plain = await d.request({ method: 'OPTIONS', path: '/hello.txt' });
      for (const res of [preflight, plain]) {
        expectStatus(res, 204);
        assert.equal(res.headers['content-length'], undefined);
        assert.equal(res.body.length, 0);
      }
    },
  },
];

/** Run against a server without RWS_CONFIG_CORS_ALLOW_ORIGINS. */
export const corsOffCases: typeof headerCases = [
  {
    name: 'CORS off: no CORS headers, OPTIONS is not a preflight (405 on a file, Allow without OPTIONS)',
    async run(d) {
      const res = await get(d, '/hello.txt', { origin: allowedOrigin });
      expectStatus(res, 200);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      assert.ok(!lists(res.headers.vary, 'origin'));
      const pre = await d.request({ method: 'OPTIONS', path: '/hello.txt', headers: { origin: allowedOrigin, 'access-control-request-method': 'GET' } });
      expectStatus(pre, 405);
      assert.equal(pre.headers.allow, 'GET, HEAD');
      assert.equal(pre.headers['access-control-allow-origin'], undefined);
    },
  },
];
