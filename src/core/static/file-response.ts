// The response for a static file found for a GET or HEAD: content coding, validators, preconditions,
// ranges and the body, in the order RFC 9110 evaluates them (§13.2.2: preconditions before Range).
// An answer whose bytes are on disk (a file too large to be held in memory) is made once the file is
// open (open-file.ts): its body reads from that handle. When the opened file is not the one the
// memoised metadata describes (replaced or rewritten within the memo's lifetime), the memo entry is
// dropped and the answer is made again from the opened file's own metadata, on the same handle: its
// headers and its bytes always describe one file.
import type { FileHandle } from 'node:fs/promises';
import type { CoreRequest, CoreResponse, ResponseBody, ResponseHeaders } from '../contract.js';
import { compressedBuffer, compressedStream } from './compress.js';
import { type EncodingPolicy, type Selected, selectEncoding } from './encoding.js';
import { multipartBody } from './multipart.js';
import { openStored } from './open-file.js';
import { evaluatePreconditions, ifRangeAllows } from './preconditions.js';
import { planRanges } from './ranges.js';
import { describes, type StaticFile, type StoredVariant, variantOf, withVariant } from './representation.js';

export interface FileResponseOptions extends EncodingPolicy {
  readonly cacheControl: string;
  /** Drops the metadata memo entry of a file found changed on disk. */
  readonly forget: (file: StaticFile) => void;
}

const EMPTY: ResponseBody = { kind: 'empty' };
const route = 'static';

/** An answer whose body is read from `stored` on disk: `body` makes it from the opened file. */
class DiskAnswer {
  constructor(
    readonly stored: StoredVariant,
    readonly status: number,
    readonly headers: ResponseHeaders,
    readonly body: (handle: FileHandle) => ResponseBody,
  ) {}
}

type Answer = CoreResponse | Promise<CoreResponse> | DiskAnswer;

/**
 * The answer for `file`; undefined when the file it needs from disk is no longer there (removed, or a
 * symlink now) or has changed so that another file is needed: its memo entry has been dropped, and
 * the caller should look the path up again.
 */
export function fileResponse(
  req: CoreRequest,
  file: StaticFile,
  o: FileResponseOptions,
): CoreResponse | Promise<CoreResponse | undefined> {
  const a = answer(req, file, o);
  return a instanceof DiskAnswer ? fromDisk(req, file, o, a) : a;
}

async function fromDisk(req: CoreRequest, file: StaticFile, o: FileResponseOptions, a: DiskAnswer): Promise<CoreResponse | undefined> {
  const opened = await openStored(a.stored);
  if (opened === undefined) {
    o.forget(file);
    return undefined;
  }
  const { handle, stats } = opened;
  let again: Answer;
  try {
    if (describes(a.stored, stats)) return made(a, handle);
    // Not the file the memo describes: the whole answer (validators, preconditions, ranges, coding)
    // is made again from the metadata of the file opened, and read from it.
    o.forget(file);
    const fresh = variantOf(a.stored.path, stats, undefined, a.stored.suffix);
    again = answer(req, withVariant(file, a.stored, fresh), o);
    // The same file still, by its path: the handle holds its bytes (the variant chosen does not move).
    if (again instanceof DiskAnswer && again.stored.path === fresh.path) return made(again, handle);
  } catch (e) {
    await handle.close();
    throw e;
  }
  // Answered without the bytes (a 304 on the new ETag, a 416 by the new size): the handle is not needed.
  await handle.close();
  return again instanceof DiskAnswer ? undefined : again;
}

function made(a: DiskAnswer, handle: FileHandle): CoreResponse {
  return { status: a.status, headers: a.headers, body: a.body(handle), route };
}

function answer(req: CoreRequest, file: StaticFile, o: FileResponseOptions): Answer {
  const range = req.method === 'GET' ? req.headers.range : undefined;
  const rangeAsked = typeof range === 'string';
  const sel = selectEncoding(file, req.headers, o, rangeAsked);
  const stored = sel.stored;
  // RFC 9110 §15.4.5: a 304 carries what a 200 would among ETag, Vary and Cache-Control (Date is the
  // listener's), and SHOULD NOT carry other representation metadata: no Content-Type, and no
  // Last-Modified either, since the ETag always present is the validator caches update with.
  const headers: ResponseHeaders = { etag: sel.etag, 'cache-control': o.cacheControl };
  if (file.compressible) headers.vary = 'Accept-Encoding';
  const cond = evaluatePreconditions(req.headers, { etag: sel.etag, mtimeSec: stored.mtimeSec });
  if (cond === 'not-modified') return { status: 304, headers, body: EMPTY, route };
  if (cond === 'failed') return { status: 412, headers: { 'content-length': 0 }, body: EMPTY, route };
  headers['content-type'] = file.contentType;
  headers['last-modified'] = stored.lastModified;
  if (sel.coding !== undefined) headers['content-encoding'] = sel.coding;
  if (sel.onTheFly) return sel.stored.data === undefined ? streamedResponse(req, sel, headers) : bufferedResponse(req, file, sel, headers);
  headers['accept-ranges'] = 'bytes';
  if (rangeAsked && ifRangeAllows(req.headers, { etag: sel.etag, mtimeSec: stored.mtimeSec })) {
    const ranged = rangeResponse(req, file, sel, range, headers);
    if (ranged !== undefined) return ranged;
  }
  headers['content-length'] = stored.size;
  return withBody(req, 200, headers, stored, 0, stored.size);
}

/** A small file compressed in memory, once per metadata entry: cheap, and with a Content-Length. */
async function bufferedResponse(req: CoreRequest, file: StaticFile, sel: Selected, headers: ResponseHeaders): Promise<CoreResponse> {
  const coding = sel.coding!;
  let pending = file.compressed.get(coding);
  if (pending === undefined) file.compressed.set(coding, (pending = compressedBuffer(sel.stored.data!, coding)));
  const data = await pending;
  headers['content-length'] = data.length;
  return { status: 200, headers, body: req.method === 'HEAD' ? EMPTY : { kind: 'bytes', data }, route };
}

function streamedResponse(req: CoreRequest, sel: Selected, headers: ResponseHeaders): Answer {
  // No Content-Length: the compressed size is known only at the end; the listeners stream it chunked
  // (HTTP/1.1) or as DATA frames ending the stream (HTTP/2, HTTP/3).
  if (req.method === 'HEAD') return { status: 200, headers, body: EMPTY, route };
  const { size } = sel.stored;
  const coding = sel.coding!;
  return new DiskAnswer(sel.stored, 200, headers, (handle) => ({ kind: 'stream', stream: compressedStream(handle, size, coding) }));
}

/** 206 or 416 when the Range applies (GET only); undefined to send the whole representation. */
function rangeResponse(
  req: CoreRequest,
  file: StaticFile,
  sel: Selected,
  range: string,
  headers: ResponseHeaders,
): Answer | undefined {
  const { size } = sel.stored;
  const plan = planRanges(size, range);
  if (plan.kind === 'full') return undefined;
  if (plan.kind === 'unsatisfiable') {
    // §15.5.17: 416 says how long the representation is.
    return { status: 416, headers: { 'content-range': `bytes */${size}`, 'content-length': 0 }, body: EMPTY, route };
  }
  if (plan.ranges.length === 1) {
    const { start, end } = plan.ranges[0]!;
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
    headers['content-length'] = end - start + 1;
    return withBody(req, 206, headers, sel.stored, start, end + 1);
  }
  // A content coding applies to the whole message content, but a multipart/byteranges body is not
  // gzip or br: labelled so it cannot be decoded, and its parts cannot carry the coding (§14.6 gives
  // them Content-Type and Content-Range only). §14.2 lets a server ignore Range: the whole encoded
  // representation it is. One range of it stays a 206 with the coding, as §14.1.2 counts bytes of
  // the selected (encoded) representation.
  if (sel.coding !== undefined) return undefined;
  // §14.6: each part carries the type; the whole body is multipart/byteranges.
  const mp = multipartBody(sel.stored, file.contentType, plan.ranges);
  headers['content-type'] = mp.contentType;
  headers['content-length'] = mp.length;
  if (sel.stored.data !== undefined) return { status: 206, headers, body: { kind: 'stream', stream: mp.open(undefined) }, route };
  return new DiskAnswer(sel.stored, 206, headers, (handle) => ({ kind: 'stream', stream: mp.open(handle) }));
}

/** Bytes [start, end) of `stored`: none for HEAD, a slice of its memory copy, or read from the file. */
function withBody(
  req: CoreRequest,
  status: number,
  headers: ResponseHeaders,
  stored: StoredVariant,
  start: number,
  end: number,
): Answer {
  if (req.method === 'HEAD') return { status, headers, body: EMPTY, route };
  if (stored.data !== undefined) return { status, headers, body: { kind: 'bytes', data: stored.data.subarray(start, end) }, route };
  return new DiskAnswer(stored, status, headers, (handle) => ({ kind: 'file', handle, start, end }));
}
