// Maps a decoded relative path to what the root holds for it, as rws and nginx do:
//   /a/b      the file a/b; else the directory a/b with an index.html → redirect to /a/b/;
//             else the file a/b.html ("clean URLs"); else nothing;
//   /a/b/     the directory's index.html; else nothing (a file with a trailing slash is nothing too);
//   /         the root's index.html.
// Every file found is realpath'd and must lie under the root's realpath (no symlink escapes) and must
// not be a dotfile there either. Results are memoised for ttlMs (see TtlCache): the one place where
// metadata is cached, so "a changed file is seen within ttlMs" is the whole staleness story for what
// is answered from metadata alone (HEAD, 304, a memory copy). A file read from disk is checked when it
// is opened (open-file.ts), and a stale entry is dropped (forget).
// Files up to SMALL_FILE_BYTES are read into memory with their metadata (one open, fstat, read): most
// requests to a site are for such files, and a memory copy saves the open/read/close of every request
// and can never disagree with the ETag and Content-Length it is served with. Memory is bounded by
// maxEntries × SMALL_FILE_BYTES × 3 (a file and two precompressed siblings).
import type { Stats } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { type StaticFile, type StoredVariant, staticFile, typeOf, variantOf } from './representation.js';
import { TtlCache } from './ttl-cache.js';

export type Lookup =
  | { readonly kind: 'file'; readonly file: StaticFile }
  /** A directory with an index, asked for without its trailing slash. */
  | { readonly kind: 'redirect' }
  | { readonly kind: 'none' };

export const SMALL_FILE_BYTES = 16 * 1024;
const NONE: Lookup = { kind: 'none' };
const REDIRECT: Lookup = { kind: 'redirect' };
// Errors that mean "nothing servable here" rather than a server fault.
const absentCodes = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'EACCES', 'ELOOP', 'EPERM']);

export interface FileLookupOptions {
  /** The root's realpath, resolved once at startup. */
  readonly root: string;
  readonly ttlMs: number;
  readonly maxEntries: number;
}

export class FileLookup {
  readonly #root: string;
  readonly #rootPrefix: string;
  readonly #cache: TtlCache<Lookup>;

  constructor(o: FileLookupOptions) {
    this.#root = o.root;
    this.#rootPrefix = o.root.endsWith(sep) ? o.root : o.root + sep;
    this.#cache = new TtlCache(o.ttlMs, o.maxEntries);
  }

  lookup(rel: string, dir: boolean): Promise<Lookup> {
    const key = dir ? rel + '/' : rel;
    return this.#cache.get(key, () => this.#resolve(rel, dir, key));
  }

  /** Drops the memo entry `file` came from: the next lookup reads the disk again. */
  forget(file: StaticFile): void {
    this.#cache.delete(file.memoKey);
  }

  async #resolve(rel: string, dir: boolean, key: string): Promise<Lookup> {
    const base = rel === '' ? this.#root : this.#rootPrefix + rel;
    const st = await statOrUndefined(base);
    if (st?.isFile()) return dir ? NONE : this.#file(base, rel, key);
    if (st?.isDirectory()) {
      const index = await this.#file(base + sep + 'index.html', rel === '' ? 'index.html' : rel + '/index.html', key);
      if (index.kind === 'file') return dir || rel === '' ? index : REDIRECT;
    }
    if (dir || rel === '') return NONE;
    return this.#file(base + '.html', rel + '.html', key);
  }

  /** The file at `path` (named `rel` under the root) with its precompressed siblings, if it is one. */
  async #file(path: string, rel: string, key: string): Promise<Lookup> {
    const found = await this.#variant(path);
    if (found === undefined) return NONE;
    const type = typeOf(rel);
    if (!type.compressible) return { kind: 'file', file: staticFile(found, type, undefined, undefined, key) };
    const [br, gzip] = await Promise.all([this.#variant(path + '.br', '-br'), this.#variant(path + '.gz', '-gz')]);
    return { kind: 'file', file: staticFile(found, type, br, gzip, key) };
  }

  /** A regular file whose real path is inside the root and not hidden; undefined otherwise. */
  async #variant(path: string, suffix = ''): Promise<StoredVariant | undefined> {
    const st = await statOrUndefined(path);
    if (st === undefined || !st.isFile()) return undefined;
    const real = await realpathOrUndefined(path);
    if (real === undefined || !this.#inside(real)) return undefined;
    if (st.size > SMALL_FILE_BYTES) return variantOf(real, st, undefined, suffix);
    return orAbsent(readSmall(real, suffix));
  }

  #inside(real: string): boolean {
    if (!real.startsWith(this.#rootPrefix)) return false;
    // A symlink inside the root may still point at a dotfile inside it (`a.txt -> .env`).
    const rel = real.slice(this.#rootPrefix.length);
    return !rel.split(sep).some((s, i) => s.startsWith('.') && !(i === 0 && s === '.well-known'));
  }
}

/** A small file's content with the metadata of the same open file, so both describe one version. */
async function readSmall(path: string, suffix: string): Promise<StoredVariant> {
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    // Grown past the limit since the stat: serve it from disk like any large file.
    if (st.size > SMALL_FILE_BYTES) return variantOf(path, st, undefined, suffix);
    const data = await fh.readFile();
    return variantOf(path, { size: data.length, mtimeMs: st.mtimeMs, ino: st.ino }, data, suffix);
  } finally {
    await fh.close();
  }
}

function statOrUndefined(path: string): Promise<Stats | undefined> {
  return orAbsent(stat(path));
}

function realpathOrUndefined(path: string): Promise<string | undefined> {
  return orAbsent(realpath(path));
}

/** `p`'s value, or undefined when it fails with an error that means "no such file to serve". */
export async function orAbsent<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (absentCodes.has((e as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw e;
  }
}
