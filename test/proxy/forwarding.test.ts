// What reaches the origin and what comes back: method, path, query and end-to-end headers forwarded;
// hop-by-hop fields removed both ways (RFC 9110 §7.6.1); Host kept; X-Forwarded-* set by the edge (a
// client's own forwarding claims replaced or dropped) and Via added.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as nodeRequest, type IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';
import type { TestServer } from '../support/start-server.js';
import { clients, stopAll, startEdge, startOrigin, type Origin } from './support.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('forwarding to the origin', () => {
  let origin: Origin;
  let edge: TestServer;
  let prefixed: TestServer;
  let seen: Seen[] = [];
  const list = clients();

  before(async () => {
    origin = await startOrigin((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        // Chunked on purpose (no Content-Length): Transfer-Encoding and Trailer must not reach the client.
        // (node refuses Trailer on a HEAD response, which is never chunked.)
        if (req.method !== 'HEAD') res.setHeader('trailer', 'x-never-sent');
        res.writeHead(201, {
          'content-type': 'text/plain',
          connection: 'x-hop-resp',
          'x-hop-resp': 'connection-specific',
          'keep-alive': 'timeout=77',
          'proxy-authenticate': 'Basic realm="origin"',
          via: '1.1 origin-cache',
          'x-end': 'kept',
          'set-cookie': ['a=1', 'b=2'],
        });
        res.end(req.method === 'HEAD' ? undefined : 'from origin');
      });
    });
    edge = await startEdge(origin.url);
    prefixed = await startEdge(origin.url + '/base/');
  });
  after(async () => {
    await stopAll(list, [edge, prefixed], origin);
  });

  for (const c of list) {
    it(`${c.name}: method, path, query, headers and body reach the origin; X-Forwarded-* and Via are added`, async () => {
      seen = [];
      const base = c.base(edge);
      const r = await request(`${base}/some/path?q=1&r=%2F&q=2`, {
        method: 'PUT',
        headers: { 'x-custom': 'a value', 'content-type': 'text/plain', 'x-request-id': 'abc-123' },
        body: 'payload',
        dispatcher: c.dispatcher,
      });
      assert.equal(r.statusCode, 201);
      assert.equal(await r.body.text(), 'from origin');
      const s = seen[0]!;
      assert.equal(s.method, 'PUT');
      assert.equal(s.url, '/some/path?q=1&r=%2F&q=2');
      assert.equal(s.body, 'payload');
      assert.equal(s.headers['x-custom'], 'a value');
      assert.equal(s.headers['content-type'], 'text/plain');
      assert.equal(s.headers['x-request-id'], 'abc-123');
      const authority = new URL(base).host;
      assert.equal(s.headers.host, authority, 'Host is the authority the client used');
      assert.equal(s.headers['x-forwarded-host'], authority);
      assert.equal(s.headers['x-forwarded-proto'], c.name === 'h1' ? 'http' : 'https');
      assert.equal(s.headers['x-forwarded-for'], '127.0.0.1');
      assert.equal(s.headers.via, c.name === 'h1' ? '1.1 rws-edge' : '2 rws-edge');
      for (const name of Object.keys(s.headers)) assert.ok(!name.startsWith(':'), `pseudo-header ${name} forwarded`);

      // The response: hop-by-hop fields gone, end-to-end ones kept, this hop appended to Via.
      assert.equal(r.headers['x-end'], 'kept');
      assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
      assert.equal(r.headers.via, '1.1 origin-cache, 1.1 rws-edge');
      for (const name of ['x-hop-resp', 'proxy-authenticate', 'trailer']) {
        assert.equal(r.headers[name], undefined, `${name} reached the client`);
      }
      // The edge's own HTTP/1.1 connection may carry its own Keep-Alive and Connection, never the origin's.
      assert.notEqual(r.headers['keep-alive'], 'timeout=77');
      assert.notEqual(r.headers.connection, 'x-hop-resp');
    });

    it(`${c.name}: a client's forwarding claims never reach the origin; it sees the peer address only`, async () => {
      seen = [];
      const r = await request(`${c.base(edge)}/spoof`, {
        headers: {
          'x-forwarded-for': '1.2.3.4',
          forwarded: 'for=1.2.3.4;proto=https;host=victim.example',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'victim.example',
          'x-forwarded-port': '443',
          'x-forwarded-prefix': '/admin',
          'x-real-ip': '1.2.3.4',
        },
        dispatcher: c.dispatcher,
      });
      await r.body.dump();
      const h = seen[0]!.headers;
      assert.equal(h['x-forwarded-for'], '127.0.0.1');
      assert.equal(h['x-forwarded-proto'], c.name === 'h1' ? 'http' : 'https');
      assert.equal(h['x-forwarded-host'], new URL(c.base(edge)).host);
      for (const name of ['forwarded', 'x-forwarded-port', 'x-forwarded-prefix', 'x-real-ip']) assert.equal(h[name], undefined, `${name} reached the origin`);
      assert.ok(!JSON.stringify(h).includes('1.2.3.4'), 'the spoofed address reached the origin');
    });

    it(`${c.name}: HEAD gets the origin's headers and no body`, async () => {
      const r = await request(`${c.base(edge)}/head`, { method: 'HEAD', dispatcher: c.dispatcher });
      assert.equal(r.statusCode, 201);
      assert.equal(r.headers['x-end'], 'kept');
      assert.equal(await r.body.text(), '');
    });
  }

  it('h1: hop-by-hop request fields are removed, including those Connection names; Via is appended to', async () => {
    seen = [];
    const { status } = await rawH1(edge.ports.h1!, {
      host: 'edge.example',
      connection: 'keep-alive, X-Hop-Req',
      'x-hop-req': 'connection-specific',
      'keep-alive': 'timeout=5',
      te: 'trailers',
      'proxy-authorization': 'Basic Zm9vOmJhcg==',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'spoofed',
      'x-forwarded-host': 'spoofed.example',
      via: '1.0 corp-proxy',
      'x-end': 'kept',
    });
    assert.equal(status, 201);
    const h = seen[0]!.headers;
    for (const name of ['x-hop-req', 'keep-alive', 'te', 'proxy-authorization']) assert.equal(h[name], undefined, `${name} reached the origin`);
    assert.equal(h['x-end'], 'kept');
    assert.equal(h.host, 'edge.example');
    assert.equal(h['x-forwarded-host'], 'edge.example');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-for'], '127.0.0.1', "the client's list is replaced (the edge is the first hop)");
    assert.equal(h.via, '1.0 corp-proxy, 1.1 rws-edge');
  });

  it("the upstream URL's path prefixes the request path", async () => {
    seen = [];
    const r = await request(`${prefixed.h1}/x/y?z=1`);
    await r.body.dump();
    assert.equal(seen[0]!.url, '/base/x/y?z=1');
  });
});

// node:http's client, because undici refuses to send Connection options and Keep-Alive itself.
function rawH1(port: number, headers: Record<string, string>): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = nodeRequest({ host: '127.0.0.1', port, path: '/raw', method: 'GET', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode! }));
    });
    req.on('error', reject);
    req.end();
  });
}
