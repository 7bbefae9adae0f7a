// HTTP/1.1's Host rules (RFC 9112 §3.2) on both listeners that speak it, plain and over TLS: a 400 for
// an HTTP/1.1 request without Host, with two Host lines, or with a Host that is not an authority; the
// connection is then closed. An absolute-form target's authority replaces Host (§3.2.2). Raw sockets:
// clients do not send these.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server?.close());

/** Writes `head` and resolves with the status code and whether the server closed the connection. */
function exchange(open: () => Socket, head: string): Promise<{ status: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = open();
    let text = '';
    let closed = false;
    sock.setEncoding('latin1');
    const done = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), closed });
    };
    // A keep-alive answer leaves the connection open: give it a moment to close, then judge.
    const timer = setTimeout(done, 1500);
    sock.on('data', (c: string) => (text += c));
    sock.on('end', () => (closed = true));
    sock.on('close', () => {
      closed = true;
      done();
    });
    sock.on('error', reject);
    sock.write(head);
  });
}

const listeners: [string, () => Socket][] = [
  ['plain', () => netConnect(server.ports.h1!, '127.0.0.1')],
  ['TLS', () => tlsConnect({ port: server.ports.tls!, host: '127.0.0.1', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false })],
];

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

for (const [name, open] of listeners) {
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
