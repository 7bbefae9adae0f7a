// The plain listener's limits through a raw socket: oversized headers → 431, malformed requests → 400,
// a client that sends headers too slowly (slow-loris) is cut off by the headers timeout.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startServer, type TestServer } from '../support/start-server.js';

function exchange(port: number, data: string, opts: { trickle?: boolean } = {}): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const sock = connect(port, '127.0.0.1');
    let text = '';
    sock.setEncoding('utf8');
    sock.on('data', (c: string) => (text += c));
    sock.on('close', () => resolve({ text, ms: Date.now() - started }));
    sock.on('error', reject);
    sock.setTimeout(10_000, () => sock.destroy());
    if (!opts.trickle) {
      sock.write(data);
      return;
    }
    let i = 0;
    const t = setInterval(() => {
      if (sock.destroyed || i >= data.length) return clearInterval(t);
      sock.write(data[i++]!);
    }, 100);
  });
}

describe('h1 listener limits', () => {
  let s: TestServer;
  before(async () => (s = await startServer({ RWS_CONFIG_MAX_HEADER_SIZE: '4096', RWS_CONFIG_HEADERS_TIMEOUT_MS: '1000' })));
  after(async () => s.close());

  it('answers 431 to oversized headers and closes', async () => {
    const r = await exchange(s.ports.h1!, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`);
    assert.match(r.text, /^HTTP\/1\.1 431 /);
  });

  it('answers 400 to a malformed request line', async () => {
    const r = await exchange(s.ports.h1!, 'GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(r.text, /^HTTP\/1\.1 400 /);
  });

  it('answers 400 to a request without Host', async () => {
    const r = await exchange(s.ports.h1!, 'GET /healthz HTTP/1.1\r\n\r\n');
    assert.match(r.text, /^HTTP\/1\.1 400 /);
  });

  it('cuts a slow-loris client at the headers timeout', async () => {
    const r = await exchange(s.ports.h1!, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'b'.repeat(200)}\r\n\r\n`, { trickle: true });
    assert.match(r.text, /^HTTP\/1\.1 408 /);
    assert.ok(r.ms < 5000, `closed after ${r.ms} ms`);
  });

  it('still serves a well-behaved client', async () => {
    const r = await exchange(s.ports.h1!, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(r.text, /^HTTP\/1\.1 200 /);
  });
});
