// Via (RFC 9110 §7.6.3) toward the origin names the version the edge received the request with, after
// any Via the client sent: 1.0 or 1.1 (HTTP/1.x, plain or over TLS), 2, 3. Toward the client it names
// the origin hop, which undici speaks HTTP/1.1 on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { curlH3 } from '../h3/support.js';
import type { TestServer } from '../support/start-server.js';
import { clients, stopAll, startEdge, startOrigin, type Origin } from './support.js';

describe('Via', () => {
  let origin: Origin;
  let edge: TestServer;
  let seen: (string | undefined)[] = [];
  const list = clients();
  const h1OverTls = new Agent({ connect: { rejectUnauthorized: false } });

  before(async () => {
    origin = await startOrigin((req, res) => {
      seen.push(req.headers.via);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      res.end('ok');
    });
    edge = await startEdge(origin.url);
  });
  after(async () => {
    await h1OverTls.destroy();
    await stopAll(list, [edge], origin);
  });

  const received = { h1: '1.1', h2: '2' };
  for (const c of list) {
    it(`${c.name}: the origin gets "${received[c.name]} rws-edge" after the client's Via`, async () => {
      seen = [];
      const r = await request(`${c.base(edge)}/via`, { headers: { via: '1.1 corp-proxy' }, dispatcher: c.dispatcher });
      assert.equal(await r.body.text(), 'ok');
      assert.deepEqual(seen, [`1.1 corp-proxy, ${received[c.name]} rws-edge`]);
      assert.equal(r.headers.via, '1.1 rws-edge');
    });
  }

  it('HTTP/1.1 over TLS (ALPN http/1.1): "1.1 rws-edge"', async () => {
    seen = [];
    const r = await request(`${edge.tls}/via`, { dispatcher: h1OverTls });
    await r.body.dump();
    assert.deepEqual(seen, ['1.1 rws-edge']);
  });

  it('an HTTP/1.0 request: "1.0 rws-edge"', async () => {
    seen = [];
    const head = await rawExchange(edge.ports.h1!, 'GET /via HTTP/1.0\r\nHost: edge.example\r\nVia: 1.0 corp-proxy\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.deepEqual(seen, ['1.0 corp-proxy, 1.0 rws-edge']);
  });

  it('h3 (curl): "3 rws-edge"', async () => {
    seen = [];
    const r = await curlH3(edge.ports.h3!, '/via', ['-H', 'via: 1.1 corp-proxy', '-o', '/dev/null', '-w', '%{http_version} %{http_code}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), '3 200');
    assert.deepEqual(seen, ['1.1 corp-proxy, 3 rws-edge']);
  });
});

/** Writes `request` on a fresh connection; resolves with everything read until the server closes it (HTTP/1.0). */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // write, not end: a half-closed connection is a client that left (the edge then cancels the request).
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.setEncoding('latin1').on('data', (d: string) => (data += d));
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
  });
}
