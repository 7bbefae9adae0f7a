// Files are opened by the core, not by the listeners: a response's body is read from the handle opened
// for it, so its bytes come from one file however the path changes while they are sent. The handle's
// fstat tells whether that file is still the one the memoised metadata describes (describes()): a file
// replaced or rewritten within the memo's lifetime would otherwise be sent under the old version's
// Content-Length, Content-Range and ETag. One fstat per open; files held in memory are never opened.
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { orAbsent } from './file-lookup.js';
import type { StoredVariant } from './representation.js';

export interface Opened {
  readonly handle: FileHandle;
  /** The opened file's metadata: what the answer must describe if it is not `stored` any more. */
  readonly stats: Stats;
}

// O_NOFOLLOW: the path is a realpath checked to lie inside the root; a symlink put there since is not
// followed (ELOOP: absent), it is looked up again, and checked again.
const flags = constants.O_RDONLY | constants.O_NOFOLLOW;

/** The file at `stored.path`, opened, with its metadata; undefined when no regular file is there now. */
export async function openStored(stored: StoredVariant): Promise<Opened | undefined> {
  const handle = await orAbsent(open(stored.path, flags));
  if (handle === undefined) return undefined;
  let stats: Stats | undefined;
  try {
    stats = await handle.stat();
  } finally {
    if (stats === undefined || !stats.isFile()) await handle.close();
  }
  return stats.isFile() ? { handle, stats } : undefined;
}
