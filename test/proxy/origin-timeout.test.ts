// An origin slower than RWS_CONFIG_UPSTREAM_TIMEOUT_MS to send response headers: 504, no-store, and the
// edge (and its pool) keeps serving other requests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { request } from 'undici';
import type { TestServer } from '../support/start-server.js';
import { clients, stopAll, recordEvents, startEdge, startOrigin, type Origin, type Recorded } from './support.js';

describe('origin timeout', () => {
  let origin: Origin;
  let edge: TestServer;
  let events: Recorded[];
  const held: ServerResponse[] = [];
  const list = clients();

  before(async () => {
    origin = await startOrigin((req, res) => {
      // /slow never answers on its own; the test closes the origin at the end.
      if (req.url === '/slow') held.push(res);
      else res.end('fast');
    });
    edge = await startEdge(origin.url, { RWS_CONFIG_UPSTREAM_TIMEOUT_MS: '1000' });
    events = recordEvents(edge);
  });
  after(async () => {
    await stopAll(list, [edge], origin);
  });

  for (const c of list) {
    it(`${c.name}: no response headers in time becomes 504 with Cache-Control: no-store`, async () => {
      const r = await request(`${c.base(edge)}/slow`, { dispatcher: c.dispatcher });
      assert.equal(r.statusCode, 504);
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.match(await r.body.text(), /gateway timeout/);
      const warn = events.find((e) => e.msg === 'upstream request failed' && e.fields?.status === 504);
      assert.equal(warn?.fields?.cause, 'UND_ERR_HEADERS_TIMEOUT');
      // The timed-out upstream request is gone: the origin sees its connection closed.
      const last = held.at(-1)!;
      if (!last.socket?.destroyed) await new Promise((resolve) => last.once('close', resolve));
    });

    it(`${c.name}: the edge keeps proxying after a timeout`, async () => {
      const r = await request(`${c.base(edge)}/fast`, { dispatcher: c.dispatcher });
      assert.equal(r.statusCode, 200);
      assert.equal(await r.body.text(), 'fast');
    });
  }
});
