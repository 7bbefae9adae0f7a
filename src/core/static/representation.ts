// What is known about one file on disk once it has been found: its validators and type, computed once
// per metadata-cache entry so that a request only copies strings into headers.
import type { Stats } from 'node:fs';
import compressible from 'compressible';
import { contentType } from 'mime-types';

/** One stored representation: the file itself or a precompressed sibling. */
export interface StoredVariant {
  /** Real path (symlinks resolved, checked to be under the root). */
  readonly path: string;
  readonly size: number;
  /** Strong ETag, quoted. */
  readonly etag: string;
  /** HTTP-date of the modification time. */
  readonly lastModified: string;
  /** Modification time rounded down to the second, as Last-Modified carries it (ms since epoch). */
  readonly mtimeSec: number;
  /** The content itself for small files (see file-lookup.ts), read with the metadata it matches. */
  readonly data: Buffer | undefined;
  /** What the metadata was read from, for telling whether an opened file is still it (describes). */
  readonly ino: number;
  readonly mtimeMs: number;
  /** The ETag suffix of this variant ('' for the file itself). */
  readonly suffix: string;
}

export interface StaticFile extends StoredVariant {
  readonly contentType: string;
  /** A text-like type worth compressing; such responses always carry Vary: Accept-Encoding. */
  readonly compressible: boolean;
  /** Precompressed siblings `<file>.br` / `<file>.gz`, looked for only when the type is compressible. */
  readonly br: StoredVariant | undefined;
  readonly gzip: StoredVariant | undefined;
  /** Identity ETag without its quotes, the stem of the encoded variants' ETags. */
  readonly etagStem: string;
  /** On-the-fly compressions of `data`, made once per metadata entry on first use. */
  readonly compressed: Map<string, Promise<Buffer>>;
  /** The metadata memo's key for this file (file-lookup.ts), to drop the entry once it is stale. */
  readonly memoKey: string;
}

const fallbackType = 'application/octet-stream';

// ETag from size and modification time in microseconds, as nginx does (size+mtime, strong): no read of
// the content, and a change of either gives a new tag. A same-size rewrite within the same microsecond
// would keep the tag; nginx accepts the same trade-off. `suffix` tells encoded variants apart, since
// RFC 9110 §8.8.3.3 requires distinct tags for distinct representations.
export function variantOf(path: string, st: FileStats, data: Buffer | undefined, suffix = ''): StoredVariant {
  const stem = `${st.size.toString(16)}-${Math.floor(st.mtimeMs * 1000).toString(16)}${suffix}`;
  const mtimeSec = Math.floor(st.mtimeMs / 1000) * 1000;
  const { ino, mtimeMs } = st;
  return { path, size: st.size, etag: `"${stem}"`, lastModified: new Date(mtimeSec).toUTCString(), mtimeSec, data, ino, mtimeMs, suffix };
}

export type FileStats = Pick<Stats, 'size' | 'mtimeMs' | 'ino'>;

/**
 * Whether an opened file is the one `v` was made from: same inode, size and modification time. A new
 * file renamed over the path has another inode; a rewrite changes the modification time (and mostly
 * the size). A same-size rewrite within the same mtime tick goes unseen, as it does for the ETag.
 */
export function describes(v: StoredVariant, st: FileStats): boolean {
  return st.ino === v.ino && st.size === v.size && st.mtimeMs === v.mtimeMs;
}

/** `file` with its variant `old` (the file itself or a sibling) replaced by `fresh`. */
export function withVariant(file: StaticFile, old: StoredVariant, fresh: StoredVariant): StaticFile {
  if (old === file.br) return { ...file, br: fresh };
  if (old === file.gzip) return { ...file, gzip: fresh };
  return staticFile(fresh, file, file.br, file.gzip, file.memoKey);
}

/** Content-Type from the extension (text types, JS and JSON with charset=utf-8, via mime-types). */
export function typeOf(name: string): { contentType: string; compressible: boolean } {
  const dot = name.lastIndexOf('.');
  const slash = name.lastIndexOf('/');
  const type = dot > slash + 1 ? contentType(name.slice(dot)) : false;
  if (type === false) return { contentType: fallbackType, compressible: false };
  const mediaType = type.split(';', 1)[0]!;
  return { contentType: type, compressible: compressible(mediaType) === true };
}

export function staticFile(
  variant: StoredVariant,
  type: { readonly contentType: string; readonly compressible: boolean },
  br: StoredVariant | undefined,
  gzip: StoredVariant | undefined,
  memoKey: string,
): StaticFile {
  const { contentType, compressible } = type;
  return { ...variant, contentType, compressible, br, gzip, etagStem: variant.etag.slice(1, -1), compressed: new Map(), memoKey };
}
