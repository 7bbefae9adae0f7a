// An origin that dies after sending its response headers: the status line is already out, so the edge
// cuts the client's response (the client sees an error, never a silently short body or a hang), warns,
// and keeps serving.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import type { TestServer } from '../support/start-server.js';
import { clients, stopAll, recordEvents, startEdge, startOrigin, type Origin, type Recorded } from './support.js';

describe('origin fails mid-body', () => {
  let origin: Origin;
  let edge: TestServer;
  let events: Recorded[];
  const list = clients();

  before(async () => {
    origin = await startOrigin((req, res) => {
      if (req.url === '/ok') return void res.end('ok');
      // /length announces 1 MiB; /chunked announces nothing. Both stop after 100 KiB and reset.
      if (req.url === '/length') res.setHeader('content-length', 1024 * 1024);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(100 * 1024, 7), () => setTimeout(() => res.socket?.destroy(), 50));
    });
    edge = await startEdge(origin.url);
    events = recordEvents(edge);
  });
  after(async () => {
    await stopAll(list, [edge], origin);
  });

  for (const c of list) {
    for (const path of ['/length', '/chunked']) {
      it(`${c.name} ${path}: the client's response errors, then the edge serves the next request`, async () => {
        events.length = 0;
        const r = await request(c.base(edge) + path, { dispatcher: c.dispatcher });
        assert.equal(r.statusCode, 200);
        let got = 0;
        await assert.rejects(async () => {
          for await (const piece of r.body) got += (piece as Buffer).length;
        });
        assert.ok(got < 1024 * 1024);
        assert.ok(events.some((e) => e.level === 'warn' && e.msg === 'upstream response cut'), 'a warning was reported');
        const next = await request(c.base(edge) + '/ok', { dispatcher: c.dispatcher });
        assert.equal(next.statusCode, 200);
        assert.equal(await next.body.text(), 'ok');
      });
    }
  }
});
