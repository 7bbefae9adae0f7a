// Expect: 100-continue (RFC 9110 §10.1.1): the client holds its body back until the server asks for it
// with 100 (Continue). node:http sends the 100 at once unless 'checkContinue' is handled, and our HTTP/2
// listener did the same: so a 4 GiB upload refused with 413 (over RWS_CONFIG_MAX_BODY_SIZE), a POST to
// a static file (405) or to /healthz was invited to send its whole body first. Every listener sends the
// 100 when something first reads the body (the proxy streaming it to the origin); an answer that never
// reads it is sent without one, and the client sends no body.
import type { Readable } from 'node:stream';

/** Calls `send` once, just before `body`'s first read; nothing if it is never read. */
export function continueOnFirstRead(body: Readable, send: () => void): void {
  // Readable.read() calls this._read(): an own property shadows the prototype's for the first read
  // only, then the prototype's is back (no per-read cost).
  const self = body as Readable & { _read(size: number): void };
  self._read = function firstRead(this: Readable & { _read(size: number): void }, size: number): void {
    delete (self as Partial<typeof self>)._read;
    send();
    self._read(size);
  };
}
