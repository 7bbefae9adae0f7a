// A client that goes away mid-download cancels the upstream request: the origin sees its request
// closed promptly instead of streaming into the void. HTTP/1.1 clients close the connection; HTTP/2
// clients reset the stream (RST_STREAM CANCEL, as browsers and curl do).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { connect, constants } from 'node:http2';
import { Agent, request } from 'undici';
import type { TestServer } from '../support/start-server.js';
import { drained, startEdge, startOrigin, waitFor, type Origin } from './support.js';

describe('client aborts mid-download', () => {
  let origin: Origin;
  let edge: TestServer;
  let closed = 0;
  let started = 0;
  const h1 = new Agent();

  before(async () => {
    origin = await startOrigin((_req, res) => {
      started++;
      res.once('close', () => closed++);
      void endless(res);
    });
    edge = await startEdge(origin.url);
  });
  after(async () => {
    await h1.destroy();
    await edge.close();
    await origin.close();
  });

  async function originSeesClose(before: number): Promise<void> {
    await waitFor(() => closed > before, 2000, 'the origin to see its request closed');
    assert.equal(closed, started, 'every origin request has ended');
  }

  it('h1: the origin sees its request closed within a second or so', async () => {
    const before = closed;
    await downloadThenAbort(`${edge.h1}/stream`, h1);
    await originSeesClose(before);
  });

  it('h2 (RST_STREAM CANCEL): the origin sees its request closed within a second or so', async () => {
    const before = closed;
    const session = connect(edge.tls, { rejectUnauthorized: false });
    session.on('error', () => {});
    try {
      const stream = session.request({ ':path': '/stream' });
      let got = 0;
      await new Promise<void>((resolve) => {
        stream.on('data', (piece: Buffer) => {
          got += piece.length;
          if (got > 256 * 1024 && !stream.closed) stream.close(constants.NGHTTP2_CANCEL);
        });
        stream.on('close', resolve);
      });
      await originSeesClose(before);
    } finally {
      session.destroy();
    }
  });

  // node emits no 'close' for such a stream until its request is read to the end: the listener treats
  // the stream's 'aborted' as the client leaving (src/h2/serve-stream.ts).
  it('h2 (RST_STREAM NO_ERROR, as undici aborts): the origin sees its request closed', async () => {
    const before = closed;
    const h2 = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
    try {
      await downloadThenAbort(`${edge.tls}/stream`, h2);
      await originSeesClose(before);
    } finally {
      await h2.destroy();
    }
  });
});

// undici's request with an AbortController, aborted once 256 KiB of the body has arrived.
async function downloadThenAbort(url: string, dispatcher: Agent): Promise<void> {
  const ac = new AbortController();
  const r = await request(url, { dispatcher, signal: ac.signal });
  assert.equal(r.statusCode, 200);
  let got = 0;
  await assert.rejects(async () => {
    for await (const piece of r.body) {
      got += (piece as Buffer).length;
      if (got > 256 * 1024) ac.abort();
    }
  });
}

// Writes until the response is closed, honouring backpressure.
async function endless(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const piece = Buffer.alloc(64 * 1024, 1);
  while (!res.destroyed) {
    if (!res.write(piece)) await drained(res);
  }
}
