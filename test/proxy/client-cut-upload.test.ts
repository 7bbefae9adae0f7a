// A client that goes away in the middle of its request body must not have a truncated body delivered
// to the origin as if complete: the origin sees its request cut (aborted), never a clean end. Over
// HTTP/1.1 the client closes its connection mid-chunk; over HTTP/2 it resets the stream after a DATA
// frame without END_STREAM. Raw sockets: the cut lands exactly where the test puts it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { H2, H2Code, H2Wire, frame, request, rstStream } from '../support/h2-frames.js';
import type { TestServer } from '../support/start-server.js';
import { recordUploads, startEdge, startOrigin, waitFor, type Origin, type Upload } from './support.js';

describe('client cuts its upload', () => {
  let origin: Origin;
  let edge: TestServer;
  const seen: Upload[] = [];

  before(async () => {
    origin = await startOrigin(recordUploads(seen));
    edge = await startEdge(origin.url);
  });
  after(async () => {
    await edge?.close();
    await origin?.close();
  });

  async function originRequestCut(before: number): Promise<void> {
    await waitFor(() => seen.length > before && seen[before]!.bytes > 0, 3000, 'the upload to reach the origin');
    await waitFor(() => seen[before]!.closed, 5000, 'the origin request to close');
    assert.equal(seen[before]!.ended, false, `the origin read a complete body of ${seen[before]!.bytes} bytes`);
  }

  it('h1: the connection closes mid-body (chunked)', async () => {
    const before = seen.length;
    const sock = connect(Number(new URL(edge.h1).port), '127.0.0.1');
    sock.on('error', () => {});
    sock.write('POST /upload HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n400\r\n' + 'a'.repeat(1024) + '\r\n');
    await waitFor(() => seen.length > before && seen[before]!.bytes > 0, 3000, 'the upload to reach the origin');
    sock.destroy();
    await originRequestCut(before);
  });

  it('h1: the connection closes mid-body (content-length)', async () => {
    const before = seen.length;
    const sock = connect(Number(new URL(edge.h1).port), '127.0.0.1');
    sock.on('error', () => {});
    sock.write('POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 4096\r\n\r\n' + 'a'.repeat(1024));
    await waitFor(() => seen.length > before && seen[before]!.bytes > 0, 3000, 'the upload to reach the origin');
    sock.destroy();
    await originRequestCut(before);
  });

  for (const code of [H2Code.CANCEL, H2Code.NO_ERROR]) {
    it(`h2: RST_STREAM ${code} after a DATA frame without END_STREAM`, async () => {
      const before = seen.length;
      const w = await H2Wire.open(Number(new URL(edge.tls).port), { first: [request(1, '/upload', { method: 'POST', open: true })] });
      try {
        await w.send(frame(H2.DATA, 0, 1, Buffer.alloc(1024, 0x61)));
        await waitFor(() => seen.length > before && seen[before]!.bytes > 0, 3000, 'the upload to reach the origin');
        await w.send(rstStream(1, code));
        await originRequestCut(before);
      } finally {
        w.socket.destroy();
      }
    });
  }
});
