// RWS_CONFIG_MAX_BODY_SIZE on bodies streamed without Content-Length (chunked HTTP/1.1, HTTP/2 DATA):
// the edge stops forwarding at the limit and answers 413 (or resets, if the client is still sending),
// and the origin never receives the whole body. A body of exactly the limit passes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { request } from 'undici';
import type { TestServer } from '../support/start-server.js';
import { clients, recordUploads, startEdge, startOrigin, stopAll, waitFor, type Origin, type Upload } from './support.js';

const limit = 1024 * 1024;

describe('max body size on streamed uploads', () => {
  let origin: Origin;
  let edge: TestServer;
  let uploads: Upload[] = [];
  const list = clients();

  before(async () => {
    // uploads is reassigned per test: the recorder pushes to whichever list is current.
    origin = await startOrigin(recordUploads({ push: (u) => uploads.push(u) }));
    edge = await startEdge(origin.url, { RWS_CONFIG_MAX_BODY_SIZE: String(limit) });
  });
  after(() => stopAll(list, [edge], origin));

  for (const c of list) {
    it(`${c.name}: 4 MiB without Content-Length is refused; the origin does not get it all`, async () => {
      uploads = [];
      let status: number | undefined;
      try {
        const r = await request(`${c.base(edge)}/upload`, { method: 'POST', body: Readable.from(pieces(4 * limit)), dispatcher: c.dispatcher });
        status = r.statusCode;
        await r.body.dump();
      } catch {
        // The edge may reset the connection or stream while the client is still sending: also a refusal.
      }
      if (status !== undefined) assert.equal(status, 413);
      await waitFor(() => uploads.length === 1 && uploads[0]!.closed, 2000, 'the upstream request to end');
      assert.equal(uploads[0]!.ended, false, 'the origin saw a complete body');
      assert.ok(uploads[0]!.bytes <= limit, `the origin got ${uploads[0]!.bytes} bytes`);
      const next = await request(`${c.base(edge)}/after`, { method: 'POST', body: 'small', dispatcher: c.dispatcher });
      assert.equal(next.statusCode, 200);
      assert.equal(await next.body.text(), '5');
    });

    it(`${c.name}: exactly the limit without Content-Length reaches the origin`, async () => {
      uploads = [];
      const r = await request(`${c.base(edge)}/upload`, { method: 'POST', body: Readable.from(pieces(limit)), dispatcher: c.dispatcher });
      assert.equal(r.statusCode, 200);
      assert.equal(await r.body.text(), String(limit));
    });
  }
});

function* pieces(total: number): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += 64 * 1024) yield Buffer.alloc(Math.min(64 * 1024, total - sent), 3);
}
