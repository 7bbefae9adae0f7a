// Max-Forwards (RFC 9110 §7.6.2) on OPTIONS and TRACE: at 0 the edge answers as the final recipient
// instead of forwarding; above 0 the origin gets the value decremented. Other methods ignore it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TestServer } from '../support/start-server.js';
import { clients, stopAll, startEdge, startOrigin, type Client, type Origin } from './support.js';

interface Seen {
  method: string;
  url: string;
  maxForwards: string | undefined;
}

// What the origin received, in order; emptied by each test.
const seen: Seen[] = [];

function record(req: IncomingMessage, res: ServerResponse): void {
  seen.push({ method: req.method!, url: req.url!, maxForwards: req.headers['max-forwards'] as string | undefined });
  req.resume();
  res.writeHead(200, { allow: 'GET, OPTIONS', 'content-length': 6 });
  res.end('origin');
}

describe('Max-Forwards', () => {
  const list = clients();
  let edge: TestServer;
  let origin: Origin | undefined;
  before(async () => {
    origin = await startOrigin(record);
    edge = await startEdge(origin.url);
  });
  after(() => stopAll(list, [edge], origin));

  for (const c of list) {
    it(`${c.name}: OPTIONS with Max-Forwards: 0 is answered by the edge, 200 and no content`, async () => {
      seen.length = 0;
      const r = await send(c, edge, 'OPTIONS', '/api/x', '0');
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-length'], '0');
      assert.equal(r.headers.allow, undefined, "the edge does not claim to know the origin's methods");
      assert.equal(r.headers.via, undefined, 'no origin hop');
      assert.equal(r.body, '');
      assert.deepEqual(seen, []);
    });

    it(`${c.name}: TRACE with Max-Forwards: 0 is answered by the edge, 501`, async () => {
      seen.length = 0;
      const r = await send(c, edge, 'TRACE', '/api/x', '0');
      assert.equal(r.status, 501);
      assert.deepEqual(seen, []);
    });

    it(`${c.name}: above 0 the origin gets the value decremented`, async () => {
      seen.length = 0;
      const options = await send(c, edge, 'OPTIONS', '/api/x', '3');
      assert.equal(options.body, 'origin');
      const trace = await send(c, edge, 'TRACE', '/api/y', '1');
      assert.equal(trace.body, 'origin');
      assert.deepEqual(seen, [
        { method: 'OPTIONS', url: '/api/x', maxForwards: '2' },
        { method: 'TRACE', url: '/api/y', maxForwards: '0' },
      ]);
    });

    it(`${c.name}: other methods and invalid values are forwarded untouched`, async () => {
      seen.length = 0;
      assert.equal((await send(c, edge, 'GET', '/api/x', '0')).body, 'origin');
      assert.equal((await send(c, edge, 'OPTIONS', '/api/x', 'none')).body, 'origin');
      assert.deepEqual(seen, [
        { method: 'GET', url: '/api/x', maxForwards: '0' },
        { method: 'OPTIONS', url: '/api/x', maxForwards: 'none' },
      ]);
    });
  }
});

async function send(c: Client, server: TestServer, method: string, path: string, maxForwards: string) {
  const r = await c.dispatcher.request({ origin: c.base(server), path, method, headers: { 'max-forwards': maxForwards } });
  return { status: r.statusCode, headers: r.headers, body: await r.body.text() };
}
