// Writes a CoreResponse to node's http.ServerResponse (HTTP/1.1, plain or over TLS) with backpressure
// and counts the bytes sent (the end of the exchange is ./serve-exchange.ts's).
import type { ServerResponse } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { CoreResponse } from '../core/contract.js';
import { readFileBody } from '../core/file-body.js';

/** Writes `out` to `res`; `count` is told the body bytes as they are handed to the socket. */
export function writeResponse(res: ServerResponse, out: CoreResponse, count: (n: number) => void): void {
  // HTTP/1.1 `Connection: close` while draining is the connection tracker's job: it starts when the
  // listeners drain, not at SIGTERM (the shutdown delay serves keep-alive connections normally).
  res.writeHead(out.status, out.headers);
  const body = out.body;
  switch (body.kind) {
    case 'empty':
      res.end();
      return;
    case 'bytes':
      count(body.data.byteLength);
      res.end(body.data);
      return;
    case 'file':
      if (body.end <= body.start) return void res.end();
      pipeBody(readFileBody(body, 64 * 1024), res, count);
      return;
    case 'stream':
      pipeBody(body.stream, res, count);
      return;
  }
}

// stream.pipe() keeps backpressure; errors on either side destroy the other, so neither a failed file
// read nor a vanished client leaves a half-open stream behind.
export function pipeBody(src: Readable, dest: Writable, count: (n: number) => void): void {
  src.on('data', (chunk: Buffer) => count(chunk.length));
  // With the error: an HTTP/2 stream destroyed without one is reset with NO_ERROR, which a client takes
  // for a complete (silently truncated) response; with one it is INTERNAL_ERROR (RFC 9113 §8.1).
  src.on('error', (err) => dest.destroy(err));
  dest.once('close', () => {
    if (!src.destroyed) src.destroy();
  });
  src.pipe(dest);
}

/** Request body bytes received: the declared length once the body was read to its end. */
export function bytesReceived(body: Readable | null, contentLength: string | string[] | undefined): number {
  if (body === null) return 0;
  return typeof contentLength === 'string' && body.readableEnded ? Number(contentLength) : 0;
}
