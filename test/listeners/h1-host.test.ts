// HTTP/1.1's Host rules (RFC 9112 §3.2) on both listeners that speak it, plain and over TLS: a 400 for
// an HTTP/1.1 request without Host, with two Host lines, or with a Host that is not an authority; the
// connection is then closed. An absolute-form target's authority replaces Host (§3.2.2). Raw sockets:
// clients do not send these.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/start-server.js';
import { exchange, http1Listeners } from './raw-h1.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server?.close());

const refused: [string, string][] = [
  ['no Host', 'GET /healthz HTTP/1.1\r\n\r\n'],
  ['two Host lines', 'GET /healthz HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n'],
  ['two Host lines, different case', 'GET /healthz HTTP/1.1\r\nhost: a.example\r\nHOST: b.example\r\n\r\n'],
  ['a Host with a space', 'GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n'],
  ['a Host with userinfo', 'GET /healthz HTTP/1.1\r\nHost: user@a.example\r\n\r\n'],
  ['an absolute-form target with userinfo', 'GET http://user@a.example/healthz HTTP/1.1\r\nHost: a.example\r\n\r\n'],
];

const served: [string, string][] = [
  ['one Host', 'GET /healthz HTTP/1.1\r\nHost: a.example:7878\r\n\r\n'],
  ['an empty Host (RFC 9112 §3.2 allows it)', 'GET /healthz HTTP/1.1\r\nHost:\r\n\r\n'],
  ['HTTP/1.0 without Host', 'GET /healthz HTTP/1.0\r\n\r\n'],
  ['an absolute-form target', 'GET http://other.example/healthz HTTP/1.1\r\nHost: a.example\r\n\r\n'],
  ['an absolute-form target with a query and upper-case scheme', 'GET HTTP://other.example/healthz?x=1 HTTP/1.1\r\nHost: a.example\r\n\r\n'],
];

for (const [name, open] of http1Listeners(() => server)) {
  describe(`HTTP/1.1 ${name}`, () => {
    for (const [what, head] of refused) {
      it(`${what}: 400, connection closed`, async () => {
        assert.deepEqual(await exchange(open, head), { status: 400, closed: true });
      });
    }
    for (const [what, head] of served) {
      it(`${what}: served`, async () => {
        assert.equal((await exchange(open, head)).status, 200);
      });
    }
  });
}
