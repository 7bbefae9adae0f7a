// Shared by the observability tests: one client per protocol (a protocol is one entry in
// `protocolClients`), scraping /metrics into parsed families, and reading a spawned server's log lines.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Agent, request, type Dispatcher } from 'undici';
import type { Protocol } from '../../src/core/contract.js';
import { clients } from '../support/clients.js';
import type { ServerProcess } from '../support/spawn-server.js';
import { parseExposition, type Family } from './exposition.js';

const run = promisify(execFile);

type Ports = { ports: Record<string, number> };

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ProtocolClient {
  protocol: Protocol;
  send(s: Ports, path: string, opts?: RequestOptions): Promise<Answer>;
  /** Closes the client's connections. */
  close(): Promise<void>;
}

/** Every protocol the edge speaks, with an independent client for it. */
export function protocolClients(): ProtocolClient[] {
  return [
    undiciClient('h1', (s) => `http://127.0.0.1:${s.ports.h1}`, new Agent()),
    undiciClient('h2', (s) => `https://127.0.0.1:${s.ports.tls}`, new Agent({ allowH2: true, connect: { rejectUnauthorized: false } })),
    curlH3Client(),
  ];
}

function undiciClient(protocol: Protocol, base: (s: Ports) => string, dispatcher: Dispatcher): ProtocolClient {
  return {
    protocol,
    async send(s, path, o = {}) {
      const r = await request(base(s) + path, { method: (o.method ?? 'GET') as Dispatcher.HttpMethod, headers: o.headers, body: o.body, signal: o.signal, dispatcher });
      return { status: r.statusCode, headers: r.headers, body: await r.body.text() };
    },
    close: () => dispatcher.destroy(),
  };
}

// undici has no HTTP/3: curl built with ngtcp2 (test/support/CLIENTS.md), one process (and one QUIC
// connection) per request; killing it is how an h3 client goes away.
function curlH3Client(): ProtocolClient {
  return {
    protocol: 'h3',
    async send(s, path, o = {}) {
      const args = ['--http3-only', '-k', '-sS', '-D', '-', '--max-time', '10'];
      if (o.method === 'HEAD') args.push('-I');
      else if (o.method !== undefined) args.push('-X', o.method);
      for (const [k, v] of Object.entries(o.headers ?? {})) args.push('-H', `${k}: ${v}`);
      if (o.body !== undefined) args.push('--data-binary', o.body);
      args.push(`https://127.0.0.1:${s.ports.tls}${path}`);
      const { stdout } = await run(clients().curl, args, { signal: o.signal, encoding: 'utf8' });
      return parseCurl(stdout);
    },
    close: async () => {},
  };
}

function parseCurl(out: string): Answer {
  const split = out.indexOf('\r\n\r\n');
  const head = (split === -1 ? out : out.slice(0, split)).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const c = line.indexOf(':');
    headers[line.slice(0, c).toLowerCase()] = line.slice(c + 1).trim();
  }
  return { status: Number(head[0]!.split(' ')[1]), headers, body: split === -1 ? '' : out.slice(split + 4) };
}

export async function closeAll(list: ProtocolClient[]): Promise<void> {
  await Promise.all(list.map((c) => c.close()));
}

export function send(c: ProtocolClient, s: Ports, path: string, opts: RequestOptions = {}): Promise<Answer> {
  return c.send(s, path, opts);
}

/** GET /metrics over plain HTTP/1.1 on a fresh connection; checks the content type and parses strictly. */
export async function scrape(h1Base: string): Promise<{ families: Map<string, Family>; text: string }> {
  const r = await request(`${h1Base}/metrics`, { headers: { connection: 'close' } });
  const text = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`/metrics answered ${r.statusCode}`);
  if (r.headers['content-type'] !== 'text/plain; version=0.0.4; charset=utf-8') throw new Error(`content type ${String(r.headers['content-type'])}`);
  return { families: parseExposition(text), text };
}

/** Every series (sample line) of the http_* and rws_* families. */
export function ownSeries(families: Map<string, Family>): number {
  let n = 0;
  for (const f of families.values()) if (/^(http|rws)_/.test(f.name)) n += f.samples.length;
  return n;
}

/** Resolves once `predicate` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T>, predicate: (t: T) => boolean, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const t = await probe();
    if (predicate(t)) return t;
    if (Date.now() > until) return t;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The JSON access lines ("msg":"request") a spawned server has written so far. */
export function accessEntries(p: ServerProcess): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of p.lines) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as Record<string, unknown>;
    if (e.msg === 'request') out.push(e);
  }
  return out;
}

/** Waits until `count` JSON access lines satisfy `match` (access lines are batched for up to 100 ms). */
export async function waitForAccess(p: ServerProcess, match: (e: Record<string, unknown>) => boolean, count = 1, timeoutMs = 5000): Promise<Record<string, unknown>[]> {
  const found = await eventually(async () => accessEntries(p).filter(match), (es) => es.length >= count, timeoutMs);
  if (found.length < count) throw new Error(`saw ${found.length} of ${count} access lines; stdout:\n${p.lines.join('\n')}\nstderr:\n${p.stderr()}`);
  return found;
}

/** For a server spawned with waitReady: false: waits for "ready" and fills p.ports from the "listening" events, JSON or text. */
export async function readyPorts(p: ServerProcess): Promise<void> {
  const ready = await eventually(async () => p.lines.some((l) => /"msg":"ready"| INFO ready /.test(l)), (ok) => ok, 10_000);
  if (!ready) throw new Error(`server not ready; stdout:\n${p.lines.join('\n')}\nstderr:\n${p.stderr()}`);
  for (const l of p.lines) {
    const m = /"listener":"(\w+)".*"port":(\d+)|INFO listening listener=(\w+) address=\S+ port=(\d+)$/.exec(l);
    if (m) p.ports[m[1] ?? m[3]!] = Number(m[2] ?? m[4]);
  }
}
