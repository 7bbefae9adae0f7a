// A 5 MiB random request body goes to the origin and comes back (the origin echoes it), byte for byte,
// over HTTP/1.1 and HTTP/2, with a Content-Length and streamed without one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import type { TestServer } from '../support/start-server.js';
import { clients, stopAll, sha256, sha256Of, startEdge, startOrigin, type Origin } from './support.js';

const size = 5 * 1024 * 1024;

describe('request and response bodies stream both ways', () => {
  let origin: Origin;
  let edge: TestServer;
  const received: { length: string | undefined; chunked: boolean }[] = [];
  const data = randomBytes(size);
  const list = clients();

  before(async () => {
    origin = await startOrigin((req, res) => {
      received.push({ length: req.headers['content-length'], chunked: req.headers['transfer-encoding'] === 'chunked' });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      req.pipe(res);
    });
    edge = await startEdge(origin.url);
  });
  after(async () => {
    await stopAll(list, [edge], origin);
  });

  for (const c of list) {
    for (const framing of ['content-length', 'streamed'] as const) {
      it(`${c.name}, ${framing}: 5 MiB echoed back unchanged`, async () => {
        received.length = 0;
        // A Readable of 64 KiB pieces has no known length: undici sends it chunked (h1) or as bare DATA (h2).
        const body = framing === 'content-length' ? data : Readable.from(pieces(data, 64 * 1024));
        const r = await request(`${c.base(edge)}/echo`, { method: 'POST', body, dispatcher: c.dispatcher });
        assert.equal(r.statusCode, 200);
        const got = await sha256Of(r.body);
        assert.equal(got.length, size);
        assert.equal(got.hash, sha256(data));
        assert.equal(received.length, 1);
        if (framing === 'content-length') assert.equal(received[0]!.length, String(size));
        else assert.equal(received[0]!.chunked, true);
      });
    }
  }
});

function* pieces(data: Buffer, n: number): Generator<Buffer> {
  for (let i = 0; i < data.length; i += n) yield data.subarray(i, i + n);
}
