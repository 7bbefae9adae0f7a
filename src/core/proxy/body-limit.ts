// RWS_CONFIG_MAX_BODY_SIZE on request bodies the core could not judge from Content-Length (chunked
// HTTP/1.1, HTTP/2 and HTTP/3 without the field): the bytes are counted on their way to the origin and
// the upstream request fails once they exceed the limit.
import { Transform, type Readable } from 'node:stream';

export class BodyTooLargeError extends Error {
  readonly code = 'RWS_BODY_TOO_LARGE';
  constructor(limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

class ClientBodyError extends Error {
  readonly code = 'RWS_CLIENT_BODY';
}

/**
 * A stream of `source`'s bytes that errors with BodyTooLargeError past `limit`. pipe() rather than
 * pipeline(): when the upstream request fails, the client's request must stay alive (destroying it
 * would close the client connection before the 413/502 can be written), so only the counter is torn down.
 */
export function limitBody(source: Readable, limit: number): Readable {
  let seen = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > limit ? new BodyTooLargeError(limit) : null, chunk);
    },
  });
  // A client upload that breaks off must fail the upstream request too, not leave it waiting for bytes.
  source.on('error', (err) => counted.destroy(new ClientBodyError('request body failed', { cause: err })));
  source.once('close', () => {
    if (!source.readableEnded) counted.destroy(new ClientBodyError('request body cut short'));
  });
  source.pipe(counted);
  return counted;
}
