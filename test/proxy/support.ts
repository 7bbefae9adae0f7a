// Shared by the proxy tests: a real origin (node:http on loopback port 0), an rws-edge in front of it
// with an empty static root (so every path is proxied), and undici clients for HTTP/1.1 and HTTP/2.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import { startServer, type TestServer } from '../support/start-server.js';

export interface Origin {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startOrigin(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<Origin> {
  const server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as { port: number }).port;
  return {
    server,
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What the origin saw of one request body. */
export interface Upload {
  bytes: number;
  /** The body ended cleanly: the origin read it as complete. */
  ended: boolean;
  closed: boolean;
}

/** An origin handler that records each request body in `uploads` and answers with its length once it ends. */
export function recordUploads(uploads: { push(u: Upload): unknown }): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const u: Upload = { bytes: 0, ended: false, closed: false };
    uploads.push(u);
    req.on('data', (c: Buffer) => (u.bytes += c.length));
    req.on('end', () => {
      u.ended = true;
      res.end(String(u.bytes));
    });
    req.on('close', () => (u.closed = true));
    req.on('error', () => {});
  };
}

/** rws-edge proxying to `upstream`, with an empty static root. */
export function startEdge(upstream: string, env: Record<string, string> = {}): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'rws-proxy-'));
  return startServer({ RWS_CONFIG_UPSTREAM: upstream, RWS_CONFIG_ROOT: root, ...env });
}

export type Client = { name: 'h1' | 'h2'; base: (s: TestServer) => string; dispatcher: Agent };

/** One undici client per protocol: plain HTTP/1.1 to the h1 port, HTTP/2 (ALPN) to the TLS port. */
export function clients(): Client[] {
  return [
    { name: 'h1', base: (s) => s.h1, dispatcher: new Agent() },
    { name: 'h2', base: (s) => s.tls, dispatcher: new Agent({ allowH2: true, connect: { rejectUnauthorized: false } }) },
  ];
}

/** Tears a test down in order: clients, then edges (drained), then the origin; skips what never started. */
export async function stopAll(list: Client[], edges: (TestServer | undefined)[], origin?: Origin): Promise<void> {
  await Promise.all(list.map((c) => c.dispatcher.destroy()));
  await Promise.all(edges.map((e) => e?.close()));
  await origin?.close();
}

export async function sha256Of(stream: Readable): Promise<{ hash: string; length: number }> {
  const h = createHash('sha256');
  let length = 0;
  for await (const chunk of stream) {
    h.update(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  return { hash: h.digest('hex'), length };
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Resolves once `predicate` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Recorded {
  level: string;
  msg: string;
  fields: Record<string, unknown> | undefined;
}

/** Records the server's operational events (warnings…) while still passing them on. */
export function recordEvents(s: TestServer): Recorded[] {
  const seen: Recorded[] = [];
  const observer = s.server.observer;
  const original = observer.event.bind(observer);
  observer.event = (level, msg, fields) => {
    seen.push({ level, msg, fields });
    original(level, msg, fields);
  };
  return seen;
}

/** A loopback port nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const o = await startOrigin(() => {});
  await o.close();
  return o.port;
}

/** Resolves when a writable asks for more, or closes (one pair of listeners, removed after). */
export function drained(w: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.on('drain', done);
    w.on('close', done);
  });
}
