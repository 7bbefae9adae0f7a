// HTTP/3 through quic-go's http3 client: h3load's one-shot mode (`-v`, tools/h3load/main.go), one
// process and one QUIC connection per request. In that mode h3load neither decodes gzip nor follows
// redirects, so the response is what the server sent; its status line (HTTP/3.0) shows the protocol.
// A second HTTP/3 stack next to curl's ngtcp2 + nghttp3: a case that passes with both does not
// depend on one client's leniency.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clients, hasClient } from '../../support/clients.js';
import { ClientLimitation, type Driver, type DriverFactory, type DriverRequest, type DriverResponse, headerRecord, type ServerPorts } from '../driver.js';

const NAME = 'h3load h3 (quic-go)';

/** Whether the installed h3load has -H (request headers), which the cases need: its usage lists it. */
let supportsHeaders: boolean | undefined;
function hasHeaderFlag(): boolean {
  supportsHeaders ??= /^\s+-H\b/m.test(spawnSync(clients().h3load, ['-h'], { encoding: 'utf8' }).stderr ?? '');
  return supportsHeaders;
}

interface Run {
  code: number;
  stdout: Buffer;
  stderr: string;
}

function h3load(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(clients().h3load, args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr: stderr.toString() });
    });
  });
}

/** `-v` output: "HTTP/3.0 200 OK", one "Name: value" line per field value, a blank line, the body. */
function parse(name: string, stdout: Buffer): DriverResponse {
  const split = stdout.indexOf('\n\n');
  if (split < 0) throw new Error(`${name}: no response head in ${JSON.stringify(stdout.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...lines] = stdout.subarray(0, split).toString('latin1').split('\n');
  const m = /^HTTP\/(\S+) (\d{3})/.exec(statusLine!);
  if (m === null) throw new Error(`${name}: bad status line ${JSON.stringify(statusLine)}`);
  if (m[1] !== '3.0') throw new Error(`${name}: answered over HTTP/${m[1]}, expected HTTP/3`);
  const entries = lines.map((l) => {
    const colon = l.indexOf(':');
    return [l.slice(0, colon), l.slice(colon + 1).trim()] as const;
  });
  return { status: Number(m[2]), headers: headerRecord(entries), body: stdout.subarray(split + 2) };
}

export const h3loadH3: DriverFactory = {
  name: NAME,
  protocol: 'h3',
  secure: true,
  unavailable(ports: ServerPorts) {
    if (!hasClient('h3load')) return 'h3load is not installed; run bash scripts/install-clients.sh';
    if (!hasHeaderFlag()) return 'the installed h3load has no -H option; run bash scripts/install-clients.sh to rebuild it';
    if (ports.h3 === undefined) return 'the server under test runs no HTTP/3 listener';
    return undefined;
  },
  async create(ports: ServerPorts): Promise<Driver> {
    const dir = await mkdtemp(join(tmpdir(), 'rws-h3load-'));
    let seq = 0;
    return {
      name: NAME,
      protocol: 'h3',
      secure: true,
      async request(r: DriverRequest): Promise<DriverResponse> {
        const args = ['-k', '-v', '-X', r.method, '-url', `https://127.0.0.1:${ports.h3}${r.path}`];
        for (const [k, v] of Object.entries(r.headers ?? {})) args.push('-H', `${k}: ${v}`);
        const payload = join(dir, `${seq++}.req`);
        if (r.body !== undefined) {
          await writeFile(payload, r.body);
          args.push('-body', payload);
        }
        try {
          const run = await h3load(args);
          // Go's url.Parse refuses some targets the cases send on purpose (e.g. "%ZZ"): nothing was sent.
          const refused = /^error: parse ".*": (invalid URL escape .*)$/m.exec(run.stderr);
          if (refused !== null) throw new ClientLimitation(`Go's URL parser refuses ${JSON.stringify(r.path)} (${refused[1]})`);
          // Exit 22 is a response of 400 or more; anything else but 0 is a transport failure.
          if (run.code !== 0 && run.code !== 22) throw new Error(`h3load exit ${run.code}: ${run.stderr.trim()}`);
          return parse(NAME, run.stdout);
        } finally {
          await rm(payload, { force: true });
        }
      },
      close: () => rm(dir, { recursive: true, force: true }),
    };
  },
};
