// Shared by the WebSocket tunnel tests: a real WebSocket origin (the `ws` package on node:http, loopback
// port 0) behind an rws-edge, and clients nobody here wrote (undici's WebSocket, `ws`).
import { after, before } from 'node:test';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as requestTls } from 'node:https';
import type { Socket } from 'node:net';
import { Agent, WebSocket as UndiciWebSocket } from 'undici';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import type { TestServer } from '../support/start-server.js';
import { startEdge, type Origin } from './support.js';

export interface WsOrigin extends Origin {
  wss: WebSocketServer;
  /** Every connection the origin accepted, in order, with the request it came with. */
  accepted: { ws: WsSocket; req: IncomingMessage; closed: Promise<number> }[];
}

/**
 * An echo origin: every message comes back as it was (text as text, binary as binary). Picks the first
 * subprotocol offered, as a server that supports them all would. `verify` may refuse a handshake.
 */
export async function startWsOrigin(opts: { refuse?: { status: number; body: string }; port?: number } = {}): Promise<WsOrigin> {
  const server = createServer((_req, res) => res.end('plain'));
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({
    server,
    perMessageDeflate: false,
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
    verifyClient: opts.refuse ? (_info, cb) => cb(false, opts.refuse!.status, opts.refuse!.body) : undefined,
  });
  const accepted: WsOrigin['accepted'] = [];
  wss.on('connection', (ws, req) => {
    const closed = once(ws, 'close').then(([code]) => code as number);
    accepted.push({ ws, req, closed });
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    wss,
    accepted,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

/** A dispatcher for undici's WebSocket to the TLS port: HTTP/1.1 by ALPN, the development certificate. */
export const tlsDispatcher = (): Agent => new Agent({ connect: { rejectUnauthorized: false } });

/** undici's WebSocket, open; rejects when the handshake fails. */
export async function openUndici(url: string, opts: { protocols?: string[]; dispatcher?: Agent } = {}): Promise<UndiciWebSocket> {
  const ws = new UndiciWebSocket(url, opts);
  ws.binaryType = 'arraybuffer';
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', (e) => reject(new Error(`websocket failed: ${(e as { message?: string }).message ?? 'error'}`)), { once: true });
  });
  return ws;
}

/** The next message on an undici WebSocket. */
export function nextMessage(ws: UndiciWebSocket): Promise<string | ArrayBuffer> {
  return new Promise((resolve) => ws.addEventListener('message', (e) => resolve(e.data as string | ArrayBuffer), { once: true }));
}

/** Resolves with the close code once an undici WebSocket has closed. */
export function closedUndici(ws: UndiciWebSocket): Promise<number> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve(1006);
  return new Promise((resolve) => ws.addEventListener('close', (e) => resolve(e.code), { once: true }));
}

/** A WebSocket URL for the edge's h1 (ws://) or TLS (wss://) port. */
export function wsUrl(base: string, path = '/chat'): string {
  return base.replace(/^http/, 'ws') + path;
}

/**
 * A WebSocket handshake by hand (node:http's client), for answers that are not a 101: resolves with the
 * status, headers and body of a normal response, or with status 101 (the socket closed at once).
 */
export function handshake(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = (base.startsWith('https:') ? requestTls : request)(base + path, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
      rejectUnauthorized: false,
    } as RequestOptions);
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode!, headers: res.headers, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A WebSocket origin and an edge in front of it for the enclosing describe(): started before its tests,
 * closed after them. The fields are set once the tests run.
 */
export function useWsEdge(env: Record<string, string> = {}, originOpts: Parameters<typeof startWsOrigin>[0] = {}): { origin: WsOrigin; edge: TestServer } {
  const pair = {} as { origin: WsOrigin; edge: TestServer };
  before(async () => {
    pair.origin = await startWsOrigin(originOpts);
    pair.edge = await startEdge(pair.origin.url, env);
  });
  after(async () => {
    await pair.edge?.close();
    await pair.origin?.close();
  });
  return pair;
}
