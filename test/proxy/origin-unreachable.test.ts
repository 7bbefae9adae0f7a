// An origin nobody listens on: 502 with a short no-store text, a warning naming the cause, and the
// edge keeps serving.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import type { TestServer } from '../support/start-server.js';
import { clients, stopAll, closedPort, recordEvents, startEdge, type Recorded } from './support.js';

describe('origin unreachable', () => {
  let edge: TestServer;
  let events: Recorded[];
  const list = clients();

  before(async () => {
    edge = await startEdge(`http://127.0.0.1:${await closedPort()}`);
    events = recordEvents(edge);
  });
  after(async () => {
    await stopAll(list, [edge]);
  });

  for (const c of list) {
    it(`${c.name}: connection refused becomes 502, Cache-Control: no-store, and a warning naming the cause`, async () => {
      events.length = 0;
      for (const method of ['GET', 'POST']) {
        const r = await request(`${c.base(edge)}/anything?x=1`, { method, body: method === 'POST' ? 'data' : null, dispatcher: c.dispatcher });
        assert.equal(r.statusCode, 502, method);
        assert.equal(r.headers['cache-control'], 'no-store');
        assert.match(await r.body.text(), /bad gateway/);
      }
      const warn = events.find((e) => e.level === 'warn' && e.msg === 'upstream request failed');
      assert.ok(warn, 'a warning was reported');
      assert.equal(warn.fields?.cause, 'ECONNREFUSED');
    });

    it(`${c.name}: the edge keeps serving after origin failures`, async () => {
      const r = await request(`${c.base(edge)}/healthz`, { dispatcher: c.dispatcher });
      assert.equal(r.statusCode, 200);
      await r.body.dump();
    });
  }
});
