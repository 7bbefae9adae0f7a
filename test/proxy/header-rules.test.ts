// The header rules on their own, for what the wire tests cannot reach yet: HTTP/3 requests (pseudo-
// headers, Via "3"), repeated Connection fields, and a request with no Host or peer address.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreRequest } from '../../src/core/contract.js';
import { upstreamRequestHeaders } from '../../src/core/proxy/request-headers.js';
import { clientResponseHeaders, validFinalStatus } from '../../src/core/proxy/response-headers.js';

function h3Request(headers: CoreRequest['headers'], extra: Partial<CoreRequest> = {}): CoreRequest {
  return {
    method: 'GET',
    scheme: 'https',
    authority: 'edge.example',
    path: '/',
    headers,
    body: null,
    remoteAddress: '2001:db8::1',
    protocol: 'h3',
    signal: new AbortController().signal,
    ...extra,
  };
}

it('an HTTP/3 request: pseudo-headers dropped, Via 3, X-Forwarded-* set, X-Request-Id from the core', () => {
  const h = upstreamRequestHeaders(
    h3Request({ ':method': 'GET', ':path': '/', ':authority': 'edge.example', ':scheme': 'https', accept: 'text/html', cookie: 'a=1; b=2' }, { requestId: 'rid-1' }),
    'origin.internal:8080',
  );
  assert.deepEqual(h, {
    accept: 'text/html',
    cookie: 'a=1; b=2',
    host: 'edge.example',
    'x-forwarded-for': '2001:db8::1',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'edge.example',
    via: '3 rws-edge',
    'x-request-id': 'rid-1',
  });
});

it('every field named by any Connection field is dropped, case-insensitively', () => {
  const h = upstreamRequestHeaders(
    h3Request({ connection: ['Foo, BAR', ' baz '], foo: '1', bar: '2', baz: '3', keep: '4', expect: '100-continue' }, { protocol: 'h1', remoteAddress: '' }),
    'origin.internal:8080',
  );
  assert.equal(h.foo ?? h.bar ?? h.baz ?? h.connection ?? h.expect, undefined);
  assert.equal(h.keep, '4');
  assert.equal(h['x-forwarded-for'], undefined, 'no peer address, nothing to add');
});

it('an IPv4 peer seen on a dual-stack socket is forwarded in IPv4 form', () => {
  const h = upstreamRequestHeaders(h3Request({ 'x-forwarded-for': '198.51.100.9' }, { remoteAddress: '::ffff:192.0.2.1' }), 'o:80');
  assert.equal(h['x-forwarded-for'], '192.0.2.1');
});

it("no authority from the client: Host falls back to the origin's, X-Forwarded-Host is not invented", () => {
  const h = upstreamRequestHeaders(h3Request({ 'x-forwarded-host': 'spoofed' }, { authority: '', protocol: 'h1' }), 'origin.internal:8080');
  assert.equal(h.host, 'origin.internal:8080');
  assert.equal(h['x-forwarded-host'], undefined);
  assert.equal(h.via, '1.1 rws-edge');
});

it('response: hop-by-hop and Connection-named fields dropped, repeated fields kept, Via appended', () => {
  const h = clientResponseHeaders({
    connection: 'close, x-a',
    'x-a': '1',
    'transfer-encoding': 'chunked',
    'set-cookie': ['a=1', 'b=2'],
    via: ['1.0 a', '1.1 b'],
    'content-length': '3',
  }, 200);
  assert.deepEqual(h, { 'set-cookie': ['a=1', 'b=2'], 'content-length': '3', via: '1.0 a, 1.1 b, 1.1 rws-edge' });
});

it('response: a repeated singleton field keeps its first line, a repeated Content-Encoding is one list', () => {
  const h = clientResponseHeaders({ 'content-type': ['text/plain', 'text/html'], etag: ['"a"', '"b"'], 'content-encoding': ['gzip', 'br'] }, 200);
  assert.equal(h['content-type'], 'text/plain');
  assert.equal(h.etag, '"a"');
  assert.equal(h['content-encoding'], 'gzip, br');
});

it('response: a 204 loses its Content-Length (RFC 9110 §8.6); other statuses keep theirs', () => {
  assert.equal(clientResponseHeaders({ 'content-length': '5' }, 204)['content-length'], undefined);
  assert.equal(clientResponseHeaders({ 'content-length': '5' }, 200)['content-length'], '5');
});

it('a final status is 200 to 599', () => {
  for (const s of [200, 204, 302, 404, 599]) assert.equal(validFinalStatus(s), true, String(s));
  for (const s of [100, 199, 600, 999, 0]) assert.equal(validFinalStatus(s), false, String(s));
});
