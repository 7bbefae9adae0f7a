// Locates the external HTTP clients the conformance tests drive. They are installed by
// scripts/install-clients.sh, which records their absolute paths in <tools dir>/clients.json;
// test/support/CLIENTS.md says how each one is driven and what its output looks like.
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CLIENT_NAMES = [
  'curl',
  'gtlsclient',
  'h3load',
  'chromium',
  'h2load',
  'nghttp',
  'wrk',
  'caddy',
  'openssl',
  'node24',
] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];
export type Clients = Readonly<Record<ClientName, string>>;

const INSTALL = 'bash scripts/install-clients.sh';

/** The install directory: $RWS_TOOLS_DIR, else ~/.cache/rws-edge-tools (as the script). */
export function toolsDir(): string {
  return process.env.RWS_TOOLS_DIR || join(homedir(), '.cache', 'rws-edge-tools');
}

function readManifest(dir: string): Record<string, unknown> {
  const file = join(dir, 'clients.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`test clients are not installed (no ${file}); run: ${INSTALL}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${file} is not valid JSON; run: ${INSTALL}`);
  }
}

function executable(path: unknown): path is string {
  if (typeof path !== 'string' || path === '') return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of every client; throws naming the first missing one and the install command. */
export function clients(dir: string = toolsDir()): Clients {
  const manifest = readManifest(dir);
  const found = {} as Record<ClientName, string>;
  for (const name of CLIENT_NAMES) {
    const path = manifest[name];
    if (!executable(path)) {
      const where = typeof path === 'string' ? path : 'no entry';
      throw new Error(`test client ${name} is missing (${where} in ${join(dir, 'clients.json')}); run: ${INSTALL}`);
    }
    found[name] = path;
  }
  return found;
}

/** Whether one client is installed and executable; never throws. */
export function hasClient(name: ClientName, dir: string = toolsDir()): boolean {
  try {
    return executable(readManifest(dir)[name]);
  } catch {
    return false;
  }
}
