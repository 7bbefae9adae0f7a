// CONNECT asks for a tunnel (RFC 9110 §9.3.6), which an edge server of static files and a reverse proxy
// does not provide: every TCP listener answers 501 Not Implemented (§15.6.2) instead of closing the
// connection unanswered (node's default for HTTP/1.1), and keeps serving. HTTP/3 resets such a stream
// with H3_REQUEST_REJECTED (src/h3/request-stream.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server?.close());

const connectRequest = 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n';

/** Writes `data` and resolves with everything read until the server closes (bounded). */
function exchange(open: () => Socket, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = open();
    let text = '';
    sock.setEncoding('latin1');
    sock.on('data', (c: string) => (text += c));
    sock.on('close', () => resolve(text));
    sock.on('error', reject);
    sock.setTimeout(5000, () => sock.destroy(new Error(`no close within 5 s; read ${JSON.stringify(text)}`)));
    sock.write(data);
  });
}

describe('CONNECT', () => {
  it('HTTP/1.1: 501, then the connection closes', async () => {
    const text = await exchange(() => netConnect(server.ports.h1!, '127.0.0.1'), connectRequest);
    assert.match(text, /^HTTP\/1\.1 501 /);
  });

  it('HTTP/1.1 over TLS: 501, then the connection closes', async () => {
    const open = () => tlsConnect({ port: server.ports.tls!, host: '127.0.0.1', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false });
    const text = await exchange(open, connectRequest);
    assert.match(text, /^HTTP\/1\.1 501 /);
  });

  it('HTTP/2: 501 on the stream; the session still serves', async () => {
    const session = h2connect(server.tls, { rejectUnauthorized: false });
    session.on('error', () => {});
    try {
      const status = (headers: Record<string, string>): Promise<number> =>
        new Promise((resolve, reject) => {
          const req = session.request(headers);
          req.on('response', (h) => resolve(Number(h[':status'])));
          req.on('error', reject);
          req.resume();
        });
      assert.equal(await status({ ':method': 'CONNECT', ':authority': 'example.com:443' }), 501);
      assert.equal(await status({ ':path': '/healthz' }), 200);
    } finally {
      session.close();
    }
  });
});
