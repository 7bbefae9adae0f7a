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

/**
 * Releases what a body still holds once its exchange has ended. A file handle is closed (a no-op once
 * the stream reading it has closed it). A stream is destroyed when the exchange was cut or nobody ever
 * read it; one the listener consumed is left alone: it closes itself at its end. A listener may report
 * an exchange complete before the stream's 'end' (HTTP/3 sends the FIN with the last declared byte),
 * and destroying an origin's body then made undici report the response as cut.
 */
export function releaseBody(body: ResponseBody, aborted: boolean): void {
  if (body.kind === 'stream') {
    const s = body.stream;
    if (!s.destroyed && (aborted || s.readableFlowing === null)) s.destroy();
  } else if (body.kind === 'file') {
    // Waits for a read still in flight.
    body.handle.close().catch(() => {});
  }
}
