// Shared by the HTTP/3 tests: the external clients of test/support/CLIENTS.md run as child processes
// against a server on 127.0.0.1 (HTTP/3 is the TLS port number on UDP), and the check every hostile
// test ends with: the server still answers over HTTP/3 and has no request left in flight.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clients } from '../support/clients.js';
import { valueOf } from '../observability/exposition.js';
import { eventually, scrape } from '../observability/support.js';

export interface ClientRun {
  /** Exit code; null when the client was killed (by `timeoutMs` or by the test). */
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  /** SIGKILL after this long (default 30 s): a hung client fails its test instead of the suite. */
  timeoutMs?: number;
}

/** A running client: its result, and the child for tests that signal it midway. */
export type RunningClient = Promise<ClientRun> & { readonly pid: number | undefined; kill(signal?: NodeJS.Signals): void };

/** Runs a client to its end and never rejects: callers judge the exit code and the output. */
export function runClient(bin: string, args: readonly string[], opts: RunOptions = {}): RunningClient {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  const done = new Promise<ClientRun>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
  return Object.assign(done, { pid: child.pid, kill: (signal: NodeJS.Signals = 'SIGKILL') => void child.kill(signal) });
}

/** https://127.0.0.1:<port><path>: the HTTP/3 origin of a server whose TLS (and UDP) port is `port`. */
export function h3Url(port: number, path: string): string {
  return `https://127.0.0.1:${port}${path}`;
}

/**
 * curl over HTTP/3 only (never falling back to TCP), certificate not checked, errors on stderr.
 * `args` come before the URL; a `-w` format in them is printed on stdout.
 */
export function curlH3(port: number, path: string, args: readonly string[] = [], opts: RunOptions = {}): RunningClient {
  return runClient(clients().curl, ['--http3-only', '-k', '-sS', '--max-time', '20', ...args, h3Url(port, path)], opts);
}

/** h3load (quic-go) with the given arguments, certificate not checked. */
export function h3load(args: readonly string[], opts: RunOptions = {}): RunningClient {
  return runClient(clients().h3load, ['-k', ...args], opts);
}

/** The server answers a new HTTP/3 request with 200 (the check after every hostile case). */
export async function assertAnswersH3(port: number): Promise<void> {
  const r = await curlH3(port, '/healthz', ['-o', '/dev/null', '-w', '%{http_version} %{http_code}']);
  assert.equal(r.stdout.toString(), '3 200', `no HTTP/3 answer after the test; curl exit ${r.code}: ${r.stderr}`);
}

/** http_active_requests{protocol="h3"} as /metrics (over plain HTTP/1.1 at `h1`) reports it. */
export async function activeH3Requests(h1: string): Promise<number> {
  return valueOf((await scrape(h1)).families, 'http_active_requests', { protocol: 'h3' });
}

/** Waits (bounded) until no HTTP/3 request is in flight; returns the last value seen. */
export async function settledH3Requests(h1: string, timeoutMs = 5000): Promise<number> {
  return eventually(() => activeH3Requests(h1), (n) => n === 0, timeoutMs);
}

/** A temporary static root holding the given files (path → content), for RWS_CONFIG_ROOT. */
export interface TempRoot {
  readonly dir: string;
  remove(): Promise<void>;
}

export async function tempRoot(files: Record<string, Uint8Array | string>): Promise<TempRoot> {
  const dir = await mkdtemp(join(tmpdir(), 'rws-h3-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface CurlResponse {
  /** From the status line: '3', '2', '1.1'. */
  version: string;
  status: number;
  /** Lower-case names; repeated fields joined with ', '. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One request with curl (`args` choose the protocol), head and body taken from `-i` output: the body
 * raw, not decoded unless the caller adds --compressed. Fails unless curl exits 0.
 */
export async function curlFetch(url: string, args: readonly string[]): Promise<CurlResponse> {
  const r = await runClient(clients().curl, ['-k', '-sS', '--max-time', '20', '-i', ...args, url]);
  assert.equal(r.code, 0, `curl exit ${r.code}: ${r.stderr}`);
  const split = r.stdout.indexOf('\r\n\r\n');
  assert.ok(split > 0, `no response head in ${JSON.stringify(r.stdout.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...lines] = r.stdout.subarray(0, split).toString('latin1').split('\r\n');
  const m = /^HTTP\/([\d.]+) (\d{3})/.exec(statusLine!);
  assert.ok(m, `not a status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { version: m[1]!, status: Number(m[2]), headers, body: r.stdout.subarray(split + 4) };
}

/** curlFetch over HTTP/3 only; fails unless the response came over HTTP/3. */
export async function fetchH3(port: number, path: string, args: readonly string[] = []): Promise<CurlResponse> {
  const res = await curlFetch(h3Url(port, path), ['--http3-only', ...args]);
  assert.equal(res.version, '3');
  return res;
}
