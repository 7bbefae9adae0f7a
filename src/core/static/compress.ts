// On-the-fly compression. A file on disk is a read stream of the handle opened for the response, piped
// through a node:zlib compressor: pipeline() propagates backpressure and, when the listener destroys
// the compressor (client gone), the file read. A small file already in memory is compressed once,
// asynchronously, into a buffer.
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { promisify } from 'node:util';
import { type BrotliOptions, brotliCompress, constants, createBrotliCompress, createGzip, gzip, type ZlibOptions } from 'node:zlib';
import type { Coding } from './encoding.js';

// Brotli 4 and gzip 6: roughly gzip -6 ratios at a fraction of brotli 11's CPU, the usual choice for
// dynamic compression at the edge; maximum-ratio output is for precompressed .br files.
const BROTLI_QUALITY = 4;
const GZIP_LEVEL = 6;
const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

function brotliOptions(size: number): BrotliOptions {
  return {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: size,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  };
}
const gzipOptions: ZlibOptions = { level: GZIP_LEVEL };

/** `size` bytes of the opened file, compressed; the file stream closes `handle` when it ends or is destroyed. */
export function compressedStream(handle: FileHandle, size: number, coding: Coding): Readable {
  const compressor = coding === 'br' ? createBrotliCompress(brotliOptions(size)) : createGzip(gzipOptions);
  // The callback swallows the error: the listener sees the destroyed stream and ends the exchange.
  pipeline(createReadStream('', { fd: handle, start: 0, end: size - 1, highWaterMark: 64 * 1024 }), compressor, () => {});
  return compressor;
}

export function compressedBuffer(data: Buffer, coding: Coding): Promise<Buffer> {
  return coding === 'br' ? brotliAsync(data, brotliOptions(data.length)) : gzipAsync(data, gzipOptions);
}
