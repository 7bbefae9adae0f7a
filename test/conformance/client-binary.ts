// The path of an external client: the one scripts/install-clients.sh recorded (test/support/clients.ts)
// when the clients are installed, else the same name on PATH; undefined when neither runs.
import { execFileSync } from 'node:child_process';
import { type ClientName, clients } from '../support/clients.js';

export interface ClientBinary {
  readonly path: string;
  /** What `<client> <versionFlag>` printed, to look for features. */
  readonly version: string;
}

const found = new Map<ClientName, ClientBinary | undefined>();

export function clientBinary(name: ClientName, versionFlag = '--version'): ClientBinary | undefined {
  if (found.has(name)) return found.get(name);
  const candidates: string[] = [];
  try {
    candidates.push(clients()[name]);
  } catch {
    // Not installed, or another client missing: the system one may still do.
  }
  candidates.push(name);
  let result: ClientBinary | undefined;
  for (const path of candidates) {
    try {
      result = { path, version: execFileSync(path, [versionFlag], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) };
      break;
    } catch {
      continue;
    }
  }
  found.set(name, result);
  return result;
}
