// Writes a CoreResponse to node's response objects with backpressure, counts the bytes sent, and reports
// the end of the exchange to the core exactly once.
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { Readable } from 'node:stream';
import type { Core, CoreResponse } from '../core/contract.js';
import type { NodeCoreRequest } from './node-request.js';

export type NodeResponse = ServerResponse | Http2ServerResponse;

export function writeResponse(
  core: Core,
  req: NodeCoreRequest,
  res: NodeResponse,
  out: CoreResponse,
  startedAt: number,
  onDone: () => void,
): void {
  let sent = 0;
  let reported = false;
  const report = (): void => {
    if (reported) return;
    reported = true;
    // writableEnded too: an HTTP/2 stream the client closes with NO_ERROR (undici's abort) reports
    // writableFinished although the response never ended.
    const aborted = !res.writableEnded || !res.writableFinished;
    if (aborted) req.markAborted();
    core.finish(req, out, { bytesSent: sent, bytesReceived: bytesReceived(req), aborted }, startedAt);
    onDone();
  };
  res.once('close', report);
  // HTTP/1.1 `Connection: close` while draining is the connection tracker's job: it starts when the
  // listeners drain, not at SIGTERM (the shutdown delay serves keep-alive connections normally).
  (res as ServerResponse).writeHead(out.status, out.headers as Record<string, string | number | string[]>);
  const body = out.body;
  switch (body.kind) {
    case 'empty':
      res.end();
      return;
    case 'bytes':
      sent = body.data.byteLength;
      res.end(body.data);
      return;
    case 'file': {
      if (body.end <= body.start) {
        res.end();
        return;
      }
      const stream = createReadStream(body.path, { start: body.start, end: body.end - 1, highWaterMark: fileChunk(req) });
      pipeCounted(stream, res, (n) => (sent += n));
      return;
    }
    case 'stream':
      pipeCounted(body.stream, res, (n) => (sent += n));
      return;
  }
}

// stream.pipe() keeps backpressure; errors on either side destroy the other, so neither a failed file
// read nor a vanished client leaves a half-open stream behind.
function pipeCounted(src: Readable, res: NodeResponse, count: (n: number) => void): void {
  capWriteBuffer(res);
  src.on('data', (chunk: Buffer) => count(chunk.length));
  // With the error: an HTTP/2 stream destroyed without one is reset with NO_ERROR, which a client takes
  // for a complete (silently truncated) response; with one it is INTERNAL_ERROR (RFC 9113 §8.1).
  src.on('error', (err) => res.destroy(err));
  res.once('close', () => {
    if (!src.destroyed) src.destroy();
  });
  src.pipe(res as NodeJS.WritableStream);
}

// A response stalled by flow control holds what its writer buffers (up to the stream's high-water
// mark) plus one chunk read ahead. HTTP/2 multiplies that by up to 100 streams per connection: 64 KiB
// chunks let a client that never opens its window pin ~150 KiB per stream (measured,
// test/exhaustion/h2-window-stall.test.ts); 16 KiB, the size of an HTTP/2 DATA frame anyway, measured
// no slower. HTTP/1.1 has one response per connection.
const h2Chunk = 16 * 1024;

function fileChunk(req: NodeCoreRequest): number {
  return req.protocol === 'h2' ? h2Chunk : 64 * 1024;
}

// Node 22 raised the default high-water mark of streams from 16 KiB to 64 KiB, so on Node 24 an HTTP/2
// stream buffered four chunks before pushing back: +110 MiB for 1000 stalled streams, +59 MiB with
// this cap (measured). node offers no per-stream option, hence its writable state is set directly.
function capWriteBuffer(res: NodeResponse): void {
  if (!('stream' in res)) return;
  const state = (res.stream as unknown as { _writableState?: { highWaterMark?: number } })._writableState;
  if (state !== undefined && typeof state.highWaterMark === 'number' && state.highWaterMark > h2Chunk) state.highWaterMark = h2Chunk;
}

function bytesReceived(req: NodeCoreRequest): number {
  const body = req.body as (Readable & { bytesRead?: number }) | null;
  if (body === null) return 0;
  const cl = req.headers['content-length'];
  return typeof cl === 'string' && body.readableEnded ? Number(cl) : 0;
}
