// An origin that breaks the rules of its response (repeated singleton fields, a status outside 100-599,
// a 204 with Content-Length): the client still gets a well-formed answer on every protocol, and the
// process lives on. node:http2 throws on the first two when they reach respond() as they are, which
// used to end the process from inside a promise callback.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { request } from 'undici';
import type { TestServer } from '../support/start-server.js';
import { clients, stopAll, recordEvents, startEdge, type Recorded } from './support.js';

// Raw responses, by path: node:http would not send these, so the origin writes bytes.
const raw: Record<string, string> = {
  '/two-types': 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Type: text/plain\r\nContent-Type: text/html\r\n\r\ndup\n',
  '/two-locations': 'HTTP/1.1 302 Found\r\nContent-Length: 0\r\nLocation: /a\r\nLocation: /b\r\n\r\n',
  '/two-encodings': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Language: en\r\nContent-Language: de\r\n\r\nhi',
  '/status-600': 'HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nno',
  '/no-content': 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n',
};

function startRawOrigin(): Promise<{ server: Server; url: string }> {
  const server = createServer((socket: Socket) => {
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const path = head.split(' ')[1] ?? '/';
      head = '';
      socket.write(raw[path] ?? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

describe('an origin whose response is malformed', () => {
  let origin: { server: Server; url: string };
  let edge: TestServer;
  let events: Recorded[];
  const list = clients();

  before(async () => {
    origin = await startRawOrigin();
    edge = await startEdge(origin.url);
    events = recordEvents(edge);
  });
  after(async () => {
    await stopAll(list, [edge]);
    origin.server.close();
  });

  for (const c of list) {
    it(`${c.name}: a repeated singleton field reaches the client once (the first), a repeated list field combined`, async () => {
      const types = await request(c.base(edge) + '/two-types', { dispatcher: c.dispatcher });
      assert.equal(types.statusCode, 200);
      assert.equal(types.headers['content-type'], 'text/plain');
      assert.equal(await types.body.text(), 'dup\n');
      const moved = await request(c.base(edge) + '/two-locations', { dispatcher: c.dispatcher });
      assert.equal(moved.statusCode, 302);
      assert.equal(moved.headers.location, '/a');
      await moved.body.dump();
      const langs = await request(c.base(edge) + '/two-encodings', { dispatcher: c.dispatcher });
      assert.equal(langs.headers['content-language'], 'en, de');
      assert.equal(await langs.body.text(), 'hi');
    });

    it(`${c.name}: a status outside 100-599 is a 502, with a warning`, async () => {
      events.length = 0;
      const r = await request(c.base(edge) + '/status-600', { dispatcher: c.dispatcher });
      assert.equal(r.statusCode, 502);
      await r.body.dump();
      assert.ok(events.some((e) => e.level === 'warn' && e.fields?.['cause'] === 'invalid_status'));
    });

    it(`${c.name}: a 204 goes out without the origin's Content-Length (RFC 9110 §8.6)`, async () => {
      const r = await request(c.base(edge) + '/no-content', { dispatcher: c.dispatcher });
      assert.equal(r.statusCode, 204);
      assert.equal(r.headers['content-length'], undefined);
      await r.body.dump();
    });
  }

  it('the edge still serves afterwards on both listeners', async () => {
    for (const c of list) {
      const r = await request(c.base(edge) + '/fine', { dispatcher: c.dispatcher });
      assert.equal(r.statusCode, 200);
      assert.equal(await r.body.text(), 'ok');
    }
  });
});
