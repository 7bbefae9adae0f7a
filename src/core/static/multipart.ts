// A multipart/byteranges body (RFC 9110 §14.6) streamed from the file: part headers interleaved with
// file reads, pulled one chunk at a time so backpressure from the client reaches the disk reads.
// Content-Length is known in advance, so the listeners can send it.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { StoredVariant } from './representation.js';

export interface MultipartBody {
  readonly contentType: string;
  readonly length: number;
  /**
   * Creates the stream, reading the parts from `handle` (the opened file; undefined when the variant is
   * held in memory). Call once, only when the body is really sent (not for HEAD). The stream closes the
   * handle when it closes, read to its end or destroyed.
   */
  readonly open: (handle: FileHandle | undefined) => Readable;
}

export function multipartBody(
  stored: StoredVariant,
  partType: string,
  ranges: readonly { start: number; end: number }[],
): MultipartBody {
  const { size } = stored;
  const boundary = randomUUID();
  const heads = ranges.map(
    (r, i) =>
      Buffer.from(`${i === 0 ? '' : '\r\n'}--${boundary}\r\ncontent-type: ${partType}\r\ncontent-range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let length = tail.length;
  for (let i = 0; i < ranges.length; i++) length += heads[i]!.length + ranges[i]!.end - ranges[i]!.start + 1;
  return {
    contentType: `multipart/byteranges; boundary=${boundary}`,
    length,
    open: (handle) => {
      const stream = Readable.from(parts(stored, handle, ranges, heads, tail), { objectMode: false });
      if (handle !== undefined) stream.once('close', () => void handle.close().catch(() => {}));
      return stream;
    },
  };
}

// Readable.from pulls the generator only when the consumer wants more; destroying the Readable returns
// the generator, which closes the file stream being iterated.
async function* parts(
  stored: StoredVariant,
  handle: FileHandle | undefined,
  ranges: readonly { start: number; end: number }[],
  heads: readonly Buffer[],
  tail: Buffer,
): AsyncGenerator<Buffer> {
  for (let i = 0; i < ranges.length; i++) {
    yield heads[i]!;
    const r = ranges[i]!;
    // A small file's memory copy is the version the headers describe; a large one is read from the
    // file opened for this response, which the part streams leave open for the next part.
    if (handle === undefined) {
      yield stored.data!.subarray(r.start, r.end + 1);
      continue;
    }
    const part = createReadStream('', { fd: handle, autoClose: false, start: r.start, end: r.end, highWaterMark: 64 * 1024 });
    for await (const chunk of part) {
      yield chunk as Buffer;
    }
  }
  yield tail;
}
