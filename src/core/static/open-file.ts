// Files are opened by the core, not by the listeners: a response's body is read from the handle opened
// for it, so its bytes come from one file however the path changes while they are sent.
import { type FileHandle, open } from 'node:fs/promises';
import type { StoredVariant } from './representation.js';

export function openStored(stored: StoredVariant): Promise<FileHandle> {
  return open(stored.path, 'r');
}
