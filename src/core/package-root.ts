// Where the installed package lives, so embedded defaults (certs-dev/, public/) resolve the same way from
// src/ under a TypeScript runner, from dist/src/ after a build, and inside the container image.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

export const packageRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
