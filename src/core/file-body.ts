// Response bodies that hold resources: a file handle opened by the core, or a stream (which may hold
// one, or an origin's connection). The listener reads them; whatever is left when the exchange ends is
// released here, so a client that leaves before the body is written leaves nothing open behind.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { FileBody, ResponseBody } from './contract.js';

/** The stream of a file body in `chunk`-byte reads; it closes the handle when it ends or is destroyed. */
export function readFileBody(body: FileBody, chunk: number): Readable {
  // With `fd` the path argument is ignored: the bytes come from the handle the core opened.
  return createReadStream('', { fd: body.handle, start: body.start, end: body.end - 1, highWaterMark: chunk });
}

/** Releases what a body still holds; a body read to its end has released it already. */
export function releaseBody(body: ResponseBody): void {
  if (body.kind === 'stream') {
    if (!body.stream.destroyed) body.stream.destroy();
  } else if (body.kind === 'file') {
    // A no-op once the stream reading it has closed it; waits for a read still in flight.
    body.handle.close().catch(() => {});
  }
}
