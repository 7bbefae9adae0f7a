// Client traffic for the rolling-update test: request loops and long requests over HTTP/1.1 (undici),
// HTTP/2 (node's http2 client: undici's HTTP/2 client tears the connection down on the first GOAWAY and
// fails the streams still running on it, undici lib/dispatcher/client-h2.js onHttp2SessionGoAway) and
// HTTP/3 (curl --http3-only, gtlsclient). Every request ends as one Outcome:
//   ok       – the full response arrived and its body is the expected one;
//   refused  – the request was never accepted (connection refused, GOAWAY/REFUSED_STREAM before it was
//              processed, connection closed before any byte of the answer); the test checks the origin
//              never saw it, i.e. the server really did not take it;
//   failed   – anything else (cut mid-response, wrong bytes, a 5xx): the drain lost a request.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import { Client, errors } from 'undici';
import { clients } from '../support/clients.js';
import { sha256, sleep } from './support.js';

export type Proto = 'h1' | 'h2' | 'h3';

export interface Outcome {
  proto: Proto;
  path: string;
  kind: 'ok' | 'refused' | 'failed';
  startAt: number;
  endAt: number;
  status?: number;
  bytes?: number;
  altSvc?: boolean;
  detail?: string;
}

/** What a finished response must look like: the body the origin sends for `path`, or a file's digest. */
export type Expect = { text: string } | { sha256: string; size: number };

/** The origin's body for /fast/<id> and /slow/<id> (test/drain/support.ts startRecordingOrigin). */
export function expectedText(path: string): Expect {
  const [, kind, id] = path.split('?')[0]!.split('/');
  return { text: `${kind} ${id}\n` };
}

function judge(proto: Proto, path: string, startAt: number, status: number, body: Buffer | { digest: string; size: number }, expect: Expect, extra: Partial<Outcome> = {}): Outcome {
  const endAt = Date.now();
  const bytes = Buffer.isBuffer(body) ? body.length : body.size;
  const base = { proto, path, startAt, endAt, status, bytes, ...extra };
  if (status !== 200) return { ...base, kind: 'failed', detail: `status ${status}` };
  const good = 'text' in expect
    ? Buffer.isBuffer(body) && body.toString() === expect.text
    : (Buffer.isBuffer(body) ? sha256(body) : body.digest) === expect.sha256 && bytes === expect.size;
  return good ? { ...base, kind: 'ok' } : { ...base, kind: 'failed', detail: 'wrong body' };
}

const refusedOrFailed = (proto: Proto, path: string, startAt: number, refused: boolean, detail: string): Outcome => ({
  proto,
  path,
  startAt,
  endAt: Date.now(),
  kind: refused ? 'refused' : 'failed',
  detail,
});

// ---------------------------------------------------------------------------------------------------
// HTTP/1.1: undici Client, one keep-alive connection (reconnecting when the server closed it).

/** Reads a body at most `bytesPerMs` (0 = no limit): a slow reader keeps a big download in flight. */
async function readBody(chunks: AsyncIterable<Buffer>, bytesPerMs: number): Promise<{ digest: string; size: number; data: Buffer[] }> {
  const hash = createHash('sha256');
  const data: Buffer[] = [];
  let size = 0;
  const t0 = Date.now();
  for await (const c of chunks) {
    hash.update(c);
    size += c.length;
    if (size <= 4096) data.push(c);
    if (bytesPerMs > 0) {
      const ahead = size / bytesPerMs - (Date.now() - t0);
      if (ahead > 5) await sleep(ahead);
    }
  }
  return { digest: hash.digest('hex'), size, data };
}

export async function h1Get(client: Client, path: string, expect: Expect, bytesPerMs = 0): Promise<Outcome> {
  const startAt = Date.now();
  let res;
  try {
    res = await client.request({ path, method: 'GET' });
  } catch (e) {
    // No response header arrived: refused if the connection was refused or closed before any answer.
    const err = e as NodeJS.ErrnoException;
    // ECONNRESET too: an idle keep-alive connection the drain closes just as the client sends on it is
    // reset by the kernel (the keep-alive race of RFC 9112 §9.3.1, which clients answer by retrying).
    const refused = err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET' || (err instanceof errors.SocketError && /other side closed|closed/.test(err.message));
    return refusedOrFailed('h1', path, startAt, refused, `${err.code ?? ''} ${err.message}`);
  }
  try {
    const body = await readBody(res.body, bytesPerMs);
    const whole = 'text' in expect ? Buffer.concat(body.data) : body;
    return judge('h1', path, startAt, res.statusCode, whole, expect);
  } catch (e) {
    return refusedOrFailed('h1', path, startAt, false, `body cut: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// HTTP/2: node's http2 client. A session that got GOAWAY finishes its streams; new requests go to a new
// session (as browsers and curl do), which is refused once the listener closed.

export class H2Client {
  #session: ClientHttp2Session | undefined;
  #ready: Promise<ClientHttp2Session> | undefined;
  /** The current session got GOAWAY: new requests need a new connection. */
  #goneAway = false;
  readonly goaways: { last: number; code: number; at: number }[] = [];
  readonly #base: string;

  constructor(base: string) {
    this.#base = base;
  }

  /** The session for the next request: the current one, or a new connection shared by concurrent callers. */
  #current(): Promise<ClientHttp2Session> {
    const s = this.#session;
    if (s && !s.closed && !s.destroyed && !this.#goneAway) return this.#ready!;
    const fresh = connect(this.#base, { rejectUnauthorized: false });
    this.#session = fresh;
    this.#goneAway = false;
    fresh.on('goaway', (code, last) => {
      this.goaways.push({ code, last, at: Date.now() });
      if (this.#session === fresh) this.#goneAway = true;
    });
    this.#ready = new Promise((resolve, reject) => {
      fresh.once('connect', () => {
        fresh.removeListener('error', reject);
        fresh.on('error', () => {});
        resolve(fresh);
      });
      fresh.once('error', reject);
    });
    return this.#ready;
  }

  async get(path: string, expect: Expect, bytesPerMs = 0): Promise<Outcome> {
    const startAt = Date.now();
    let session: ClientHttp2Session;
    try {
      session = await this.#current();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return refusedOrFailed('h2', path, startAt, err.code === 'ECONNREFUSED', `connect: ${err.code} ${err.message}`);
    }
    return new Promise((resolve) => {
      let stream;
      try {
        stream = session.request({ ':path': path });
      } catch (e) {
        // ERR_HTTP2_GOAWAY_SESSION / ERR_HTTP2_INVALID_SESSION: not sent at all.
        return resolve(refusedOrFailed('h2', path, startAt, true, (e as NodeJS.ErrnoException).code ?? String(e)));
      }
      let status = 0;
      let altSvc = false;
      stream.on('response', (h) => {
        status = Number(h[':status']);
        altSvc = h['alt-svc'] !== undefined;
      });
      stream.on('error', () => {});
      readBody(stream, bytesPerMs).then(
        (body) => {
          if (status === 0) {
            // Closed without an answer: refused only if the server said it never processed the stream.
            const refused = stream.rstCode === constants.NGHTTP2_REFUSED_STREAM;
            return resolve(refusedOrFailed('h2', path, startAt, refused, `no response, rst code ${stream.rstCode}`));
          }
          const whole = 'text' in expect ? Buffer.concat(body.data) : body;
          resolve(judge('h2', path, startAt, status, whole, expect, { altSvc }));
        },
        (e: NodeJS.ErrnoException) => {
          const refused = status === 0 && stream.rstCode === constants.NGHTTP2_REFUSED_STREAM;
          resolve(refusedOrFailed('h2', path, startAt, refused, `${e.code} rst ${stream.rstCode}: ${e.message}`));
        },
      );
    });
  }

  close(): void {
    this.#session?.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------
// HTTP/3: curl --http3-only (a new QUIC connection per run) and gtlsclient (frame dump).

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * One curl --http3-only request. Exit 7 (could not connect) and 28 during the connect phase (new QUIC
 * connections are dropped once draining) mean never accepted. --max-time bounds curl 7.88, which spins
 * on a connection the server closed under it instead of failing.
 */
export async function h3Curl(port: number, path: string, expect: Expect, opts: { limitRate?: string; file?: string } = {}): Promise<Outcome> {
  const startAt = Date.now();
  const out = opts.file ?? '-';
  const args = ['--http3-only', '-k', '-sS', '--connect-timeout', '3', '--max-time', '12', '-o', out, '-w', '\n%{http_code} %{size_download} %{time_connect}'];
  if (opts.limitRate) args.push('--limit-rate', opts.limitRate);
  const r = await run(clients().curl, [...args, `https://127.0.0.1:${port}${path}`], 15_000);
  const lines = r.stdout.split('\n');
  const [status, size] = lines.at(-1)!.split(' ').map(Number);
  if (r.code !== 0) {
    // Never connected: curl's own words, ngtcp2's ("connection to ... refused", once the UDP socket is
    // closed), or curl killed by our timeout without a byte of output, to stdout or to its file (curl
    // 7.88 can spin on a QUIC connection that never completes). Each is then checked against the
    // origin's log: a request it saw was accepted, and its loss fails the test.
    // Or the server reset the request stream with H3_REQUEST_REJECTED (0x10b), which says the request
    // was not processed (RFC 9114 §4.1.1, §8.1): a connection whose handshake began just before the drain
    // gets GOAWAY(0), and curl's first request crosses it; curl 7.88 reports it without retrying.
    // The body, without the -w line curl prints when it exits on an error (not when it is killed).
    const body = r.code === -1 ? r.stdout : lines.slice(0, -1).join('\n');
    const wroteNothing = body.trim() === '' && (opts.file === undefined || !existsSync(opts.file) || statSync(opts.file).size === 0);
    const neverConnected = /Failed to connect|connection to .* refused/.test(r.stderr) || (r.code === -1 && wroteNothing);
    const rejected = r.code === 95 && /\(err 0x10b\)/.test(r.stderr) && wroteNothing;
    const refused = ((r.code === 7 || r.code === 28 || r.code === -1) && neverConnected) || rejected;
    return refusedOrFailed('h3', path, startAt, refused, `curl exit ${r.code}: ${r.stderr.trim()}`);
  }
  const body = opts.file !== undefined ? readFileSync(opts.file) : Buffer.from(lines.slice(0, -1).join('\n'));
  return judge('h3', path, startAt, status!, body, expect, { bytes: size });
}

export interface GtlsResult extends Outcome {
  /** HTTP/3 GOAWAY frames seen on the server's control stream (stream id 3): the stream ids they carry. */
  goawayIds: number[];
  /**
   * Application error code of the CONNECTION_CLOSE in the dump (0x100 = H3_NO_ERROR), sent or received:
   * gtlsclient closes with H3_NO_ERROR itself once its streams are done, usually within the server's
   * drain linger. The server's own close is checked by test/drain/h3-linger.test.ts.
   */
  closeCode: number | undefined;
}

/**
 * One request with ngtcp2's gtlsclient, with its QUIC frame dump on: the dump hexdumps the data of every
 * stream, so the GOAWAY frame (type 0x07, RFC 9114 §7.2.6) on the server's control stream can be read
 * from it, as can the CONNECTION_CLOSE code. gtlsclient always exits 0: the body is judged from --download.
 */
export async function h3Gtls(port: number, path: string, expect: Expect, dir: string): Promise<GtlsResult> {
  const startAt = Date.now();
  const r = await run(
    clients().gtlsclient,
    ['--exit-on-all-streams-close', '--handshake-timeout=3s', '--timeout=10s', `--download=${dir}`, '127.0.0.1', String(port), `https://127.0.0.1:${port}${path}`],
    15_000,
  );
  const dump = r.stdout + r.stderr;
  const goawayIds = controlStreamGoaways(dump);
  const close = /CONNECTION_CLOSE\(0x1d\) error_code=\S*\((0x[0-9a-f]+)\)/.exec(dump);
  const closeCode = close ? Number(close[1]) : undefined;
  const status = /http: stream 0x0 \[:status: (\d+)\]/.exec(dump);
  const files = readdirSync(dir);
  const extra = { goawayIds, closeCode };
  if (!status || files.length !== 1) {
    return { ...refusedOrFailed('h3', path, startAt, false, `no complete response (status line ${status ? 'seen' : 'missing'}, ${files.length} files)`), ...extra };
  }
  return { ...judge('h3', path, startAt, Number(status[1]), readFileSync(`${dir}/${files[0]}`), expect), ...extra };
}

/** GOAWAY frames in gtlsclient's "Ordered STREAM data stream_id=0x3" hexdumps (after the SETTINGS frame). */
function controlStreamGoaways(dump: string): number[] {
  const bytes: number[] = [];
  const re = /Ordered STREAM data stream_id=0x3\n((?:[0-9a-f]{8} {2}[^\n]*\n)+)/g;
  for (const m of dump.matchAll(re)) {
    for (const line of m[1]!.split('\n')) {
      const hex = line.slice(10, line.indexOf('|')).trim();
      if (hex) bytes.push(...hex.split(/\s+/).map((h) => parseInt(h, 16)));
    }
  }
  // Stream type 0x00 (control), then frames: type varint, length varint, payload (RFC 9114 §7.1).
  const ids: number[] = [];
  let i = 1;
  while (i < bytes.length) {
    const [type, a] = varint(bytes, i);
    const [len, b] = varint(bytes, a);
    if (b + len > bytes.length) break;
    if (type === 0x07) ids.push(varint(bytes, b)[0]);
    i = b + len;
  }
  return ids;
}

/** QUIC variable-length integer (RFC 9000 §16): value and the offset after it. */
function varint(b: number[], i: number): [number, number] {
  const n = 1 << (b[i]! >> 6);
  let v = b[i]! & 0x3f;
  for (let k = 1; k < n; k++) v = v * 256 + b[i + k]!;
  return [v, i + n];
}
