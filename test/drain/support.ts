// Shared by the drain tests: an origin that records which requests reached it, a static root with a big
// file, rws-edge as a real process in front of both, a raw HTTP/1.1 connection that shows exactly what
// the server wrote and when it closed, and a prober that opens a fresh connection per probe.
import { createHash, randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { startOrigin as startHttpOrigin, type Origin } from '../proxy/support.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export interface RecordingOrigin extends Origin {
  /** Paths (with query) of every request that reached the origin, in arrival order. */
  seen: string[];
}

/**
 * The origin behind the edge. Every path is recorded on arrival, so a test can check that each request
 * the edge forwarded was answered in full to its client.
 *   /fast/<id>                       → "fast <id>"
 *   /slow/<id>?ms=N                  → "slow <id>" after N ms
 *   /stream/<id>?bytes=N&ms=M        → headers at once, then N bytes (streamBytes) spread over M ms
 */
export async function startRecordingOrigin(): Promise<RecordingOrigin> {
  const seen: string[] = [];
  const origin = await startHttpOrigin((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://origin');
    seen.push(url.pathname + url.search);
    const id = url.pathname.split('/')[2] ?? '';
    const ms = Number(url.searchParams.get('ms') ?? 0);
    if (url.pathname.startsWith('/stream/')) return streamSlowly(res, Number(url.searchParams.get('bytes')), ms);
    const body = `${url.pathname.split('/')[1]} ${id}\n`;
    const answer = (): void => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (ms > 0) {
      const t = setTimeout(answer, ms);
      res.once('close', () => clearTimeout(t));
    } else answer();
  });
  return { ...origin, seen };
}

/** The deterministic body of /stream/: byte i is i mod 251. */
export function streamBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = i % 251;
  return b;
}

function streamSlowly(res: ServerResponse, bytes: number, ms: number): void {
  const body = streamBytes(bytes);
  const chunks = 20;
  const size = Math.ceil(bytes / chunks);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
  res.flushHeaders();
  let i = 0;
  const t = setInterval(() => {
    res.write(body.subarray(i * size, (i + 1) * size));
    if (++i === chunks) {
      clearInterval(t);
      res.end();
    }
  }, ms / chunks);
  res.once('close', () => clearInterval(t));
}

const tempDirs: string[] = [];
process.once('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A new directory under the OS temp dir, removed when this test process exits (big files live there). */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

export interface StaticRoot {
  dir: string;
  /** /big.bin: `size` random bytes. */
  size: number;
  sha256: string;
}

/** A static root holding /big.bin (random bytes, so compression cannot shrink it). */
export function makeRoot(size: number): StaticRoot {
  const dir = tempDir('rws-drain-');
  const data = randomBytes(size);
  writeFileSync(join(dir, 'big.bin'), data);
  return { dir, size, sha256: sha256(data) };
}

/** rws-edge as a process in front of `origin` (paths not in `root` are proxied there). */
export function spawnEdge(origin: RecordingOrigin, root: StaticRoot | undefined, env: Record<string, string>): Promise<ServerProcess> {
  return spawnServer({
    RWS_CONFIG_UPSTREAM: origin.url,
    RWS_CONFIG_ROOT: root?.dir ?? tempDir('rws-drain-empty-'),
    ...env,
  });
}

export interface EdgeFixture {
  origin: RecordingOrigin;
  server: ServerProcess;
}

/**
 * Registers before/after hooks in the calling describe(): a recording origin and an edge process in
 * front of it (killed afterwards if the test did not make it exit). Read the fields inside the tests.
 */
export function useEdge(env: Record<string, string>, root?: () => StaticRoot): EdgeFixture {
  const f = {} as EdgeFixture;
  before(async () => {
    f.origin = await startRecordingOrigin();
    f.server = await spawnEdge(f.origin, root?.(), env);
  });
  after(async () => {
    f.server?.kill('SIGKILL');
    await f.origin?.close();
  });
  return f;
}

/** When (Date.now() in this process) the server logged `msg`. */
export async function logTime(server: ServerProcess, msg: string, timeoutMs = 30_000): Promise<number> {
  const e = await server.waitForLog((l) => l.msg === msg, timeoutMs);
  return Date.parse(e.time as string);
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when this process saw the exit. */
  at: number;
}

export function exitOf(server: ServerProcess): Promise<ExitInfo> {
  return server.exited.then((e) => ({ ...e, at: Date.now() }));
}

// ---------------------------------------------------------------------------------------------------
// A raw HTTP/1.1 connection: what the server sent, byte for byte, and when it closed.

export interface RawResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
  /** Date.now() when the last body byte arrived. */
  endAt: number;
}

export class RawH1 {
  readonly socket: Socket;
  /** Resolves with Date.now() when the server closed the connection (FIN or reset). */
  readonly closed: Promise<number>;
  /** Set when connecting failed (e.g. ECONNREFUSED). */
  error: NodeJS.ErrnoException | undefined;
  #buf = Buffer.alloc(0);
  readonly #waiting: { resolve: (r: RawResponse) => void; reject: (e: Error) => void }[] = [];
  #ended = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      socket.on('end', () => {
        this.#ended = true;
        resolve(Date.now());
        this.#parse();
      });
      socket.on('close', () => {
        this.#ended = true;
        resolve(Date.now());
        this.#parse();
      });
    });
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#parse();
    });
  }

  /**
   * Connects (over TLS with ALPN http/1.1 when `tls`); rejects with the socket error (ECONNREFUSED once
   * the listener is closed).
   */
  static open(port: number, tls = false): Promise<RawH1> {
    return new Promise((resolve, reject) => {
      const s = tls
        ? tlsConnect({ port, host: '127.0.0.1', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false })
        : connect(port, '127.0.0.1');
      s.once(tls ? 'secureConnect' : 'connect', () => {
        s.removeListener('error', reject);
        const c = new RawH1(s);
        s.on('error', (e) => (c.error = e));
        resolve(c);
      });
      s.once('error', reject);
    });
  }

  /**
   * Sends a GET and resolves with its response (rejects if the connection closes first). Calling it
   * again before the answer pipelines the next request (RFC 9112 §9.3.2); answers resolve in order.
   */
  get(path: string, headers = ''): Promise<RawResponse> {
    const p = new Promise<RawResponse>((resolve, reject) => this.#waiting.push({ resolve, reject }));
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);
    return p;
  }

  close(): void {
    this.socket.destroy();
  }

  #parse(): void {
    for (let r = this.#next(); r !== undefined; r = this.#next()) this.#waiting.shift()!.resolve(r);
    if (this.#ended) {
      for (const w of this.#waiting.splice(0)) w.reject(new Error(`connection closed before a complete response (${this.#buf.length} bytes received)`));
    }
  }

  /** The next complete response in the buffer, if a request waits for it. */
  #next(): RawResponse | undefined {
    if (this.#waiting.length === 0) return undefined;
    const headEnd = this.#buf.indexOf('\r\n\r\n');
    if (headEnd === -1) return undefined;
    const lines = this.#buf.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const c = l.indexOf(':');
      headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
    }
    const length = Number(headers['content-length']);
    if (this.#buf.length < headEnd + 4 + length) return undefined;
    const body = this.#buf.subarray(headEnd + 4, headEnd + 4 + length);
    this.#buf = this.#buf.subarray(headEnd + 4 + length);
    return { status, headers, body, endAt: Date.now() };
  }
}

// ---------------------------------------------------------------------------------------------------
// Probes on a fresh connection each time: what a kubelet or a new client sees.

export interface Probe {
  /** Date.now() when the answer (or the error) came. */
  at: number;
  path: string;
  status?: number;
  /** e.g. ECONNREFUSED */
  error?: string;
}

/** GET `path` on a new connection with `Connection: close`; never throws. */
export async function probe(port: number, path: string): Promise<Probe> {
  try {
    const c = await RawH1.open(port);
    try {
      const r = await c.get(path, 'Connection: close\r\n');
      return { at: Date.now(), path, status: r.status };
    } finally {
      c.close();
    }
  } catch (e) {
    return { at: Date.now(), path, error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}

/** Probes `paths` round-robin every `everyMs` until stop() is called; returns every answer. */
export function startProber(port: number, paths: string[], everyMs: number): { results: Probe[]; stop: () => Promise<Probe[]> } {
  const results: Probe[] = [];
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      results.push(await probe(port, paths[i % paths.length]!));
      await sleep(everyMs);
    }
  })();
  return {
    results,
    stop: async () => {
      running = false;
      await loop;
      return results;
    },
  };
}
