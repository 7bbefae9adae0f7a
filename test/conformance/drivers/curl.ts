// curl drivers: one curl process per request, the raw bytes compared (no --compressed), the target sent
// verbatim (--path-as-is, --request-target), and the negotiated HTTP version checked from -w so a
// silent fallback (h3 → h2, h2 → h1) fails. The binary is the HTTP/3-capable curl that
// scripts/install-clients.sh builds (test/support/clients.ts) when installed, else the system curl.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clientBinary } from '../client-binary.js';
import { type Driver, type DriverFactory, type DriverRequest, type DriverResponse, headerRecord, type ServerPorts, type WireProtocol } from '../driver.js';

const run = promisify(execFile);

/** The curl to use and whether it speaks HTTP/3; null when there is none at all. */
function curlBinary(): { path: string; http3: boolean } | null {
  const bin = clientBinary('curl', '-V');
  return bin === undefined ? null : { path: bin.path, http3: /^Features:.*\bHTTP3\b/m.test(bin.version) };
}

const versionFlag: Record<WireProtocol, string> = { h1: '--http1.1', h2: '--http2', h3: '--http3-only' };
const expectedVersion: Record<WireProtocol, string> = { h1: '1.1', h2: '2', h3: '3' };

function curlDriver(name: string, protocol: WireProtocol, secure: boolean): DriverFactory {
  return {
    name,
    protocol,
    secure,
    unavailable(ports: ServerPorts) {
      const bin = curlBinary();
      if (bin === null) return 'no curl binary on this machine';
      if (protocol === 'h3' && !bin.http3) {
        return `${bin.path} has no HTTP/3 support; run bash scripts/install-clients.sh for the HTTP/3 curl`;
      }
      if (protocol === 'h3' && ports.h3 === undefined) return 'the server under test runs no HTTP/3 listener';
      return undefined;
    },
    async create(ports: ServerPorts): Promise<Driver> {
      const bin = curlBinary()!;
      const dir = await mkdtemp(join(tmpdir(), 'rws-curl-'));
      const port = protocol === 'h3' ? ports.h3! : secure ? ports.tls : ports.h1;
      const base = `${secure ? 'https' : 'http'}://127.0.0.1:${port}/`;
      let seq = 0;
      return {
        name,
        protocol,
        secure,
        async request(r: DriverRequest): Promise<DriverResponse> {
          const n = seq++;
          const headerFile = join(dir, `${n}.head`);
          const bodyFile = join(dir, `${n}.body`);
          const args = ['-sS', '-k', '--path-as-is', '--max-time', '10', versionFlag[protocol]];
          args.push('-D', headerFile, '-o', bodyFile, '-w', '%{http_version}', '--request-target', r.path);
          // -I, not -X HEAD: with -X HEAD curl would wait for a body the server never sends.
          if (r.method === 'HEAD') args.push('-I');
          else args.push('-X', r.method);
          // An empty "Expect:" stops curl from holding bodies back for 100-continue.
          for (const [k, v] of Object.entries({ Expect: '', ...r.headers })) args.push('-H', v === '' ? `${k}:` : `${k}: ${v}`);
          if (r.body !== undefined) {
            const payload = join(dir, `${n}.req`);
            await writeFile(payload, r.body);
            args.push('--data-binary', `@${payload}`);
          }
          args.push(base);
          try {
            const { stdout } = await run(bin.path, args, { encoding: 'utf8' });
            if (stdout.trim() !== expectedVersion[protocol]) {
              throw new Error(`${name}: curl used HTTP/${stdout.trim()}, expected HTTP/${expectedVersion[protocol]}`);
            }
            const head = parseHead(await readFile(headerFile, 'latin1'));
            // With -I curl writes the head into the output file too; a HEAD response has no body to read.
            const body = r.method === 'HEAD' ? Buffer.alloc(0) : await readFile(bodyFile).catch(() => Buffer.alloc(0));
            return { ...head, body };
          } finally {
            await Promise.all(['head', 'body', 'req'].map((ext) => rm(join(dir, `${n}.${ext}`), { force: true })));
          }
        },
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  };
}

/** The last response head in a -D dump (earlier ones are 1xx), as status and header record. */
function parseHead(dump: string): { status: number; headers: Record<string, string> } {
  const blocks = dump.split(/\r?\n\r?\n/).filter((b) => b.startsWith('HTTP/'));
  const last = blocks[blocks.length - 1];
  if (last === undefined) throw new Error(`no response head in curl output: ${JSON.stringify(dump)}`);
  const [statusLine, ...lines] = last.split(/\r?\n/);
  const status = Number(statusLine!.split(' ')[1]);
  const entries = lines
    .map((l) => {
      const colon = l.indexOf(':');
      return [l.slice(0, colon).trim(), l.slice(colon + 1).trim()] as const;
    })
    .filter(([k]) => k !== '');
  return { status, headers: headerRecord(entries) };
}

export const curlH1 = curlDriver('curl h1 (plain)', 'h1', false);
export const curlH1Tls = curlDriver('curl h1 (TLS)', 'h1', true);
export const curlH2 = curlDriver('curl h2', 'h2', true);
export const curlH3 = curlDriver('curl h3', 'h3', true);
