// The site the conformance server serves: a temporary copy of test/fixtures/site plus what must not be
// committed: symlinks that point out of the root, a .git directory, and secrets outside the root that
// traversal attempts aim at. Every secret carries a marker that no served body may ever contain.
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/package-root.js';

export const fixtureSite = join(packageRoot, 'test', 'fixtures', 'site');

/** Strings found only in files that must never be served. */
export const secretMarkers = [
  'fixture-outside-root-must-not-leak',
  'fixture-dotfile-must-not-leak',
  'fixture-private-must-not-leak',
  'fixture-git-config-must-not-leak',
  'root:x:0:0', // /etc/passwd
];

export interface Site {
  /** RWS_CONFIG_ROOT for the server. */
  readonly root: string;
  /** Bytes of a file under the root, by its path relative to the root. */
  file(rel: string): Promise<Buffer>;
  remove(): Promise<void>;
}

export async function prepareSite(): Promise<Site> {
  const base = await mkdtemp(join(tmpdir(), 'rws-site-'));
  const root = join(base, 'site');
  const outside = join(base, 'outside');
  await cp(fixtureSite, root, { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), `${secretMarkers[0]}\n`);
  await mkdir(join(root, '.git'));
  await writeFile(join(root, '.git', 'config'), `[core]\n\t# ${secretMarkers[3]}\n`);
  // Escapes: a file and a directory symlinked out of the root.
  await symlink(join(outside, 'secret.txt'), join(root, 'escape-link.txt'));
  await symlink(outside, join(root, 'escape-dir'));
  // Inside the root: a harmless link (served) and one onto a dotfile (hidden like the dotfile itself).
  await symlink('hello.txt', join(root, 'inner-link.txt'));
  await symlink('.env', join(root, 'dot-link.txt'));
  return {
    root,
    file: (rel) => readFile(join(root, rel)),
    remove: () => rm(base, { recursive: true, force: true }),
  };
}
