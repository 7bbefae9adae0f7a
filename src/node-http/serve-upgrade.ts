// The 'upgrade' handler of an HTTP/1.1 server (plain, or over TLS), registered only when the core can
// tunnel (an origin is configured). node hands it the request with the socket taken off the HTTP
// parser: on Node 24 only WebSocket handshakes (./websocket-upgrade.ts), on Node 20 every request that
// carries Upgrade (h2c from `curl --http2 http://…` too). Each is answered through the usual exchange
// (./serve-exchange.ts) on a ServerResponse made for it here, as node's parser would have: a WebSocket
// handshake may become a tunnel; anything else, or a handshake the core answers itself (/healthz, a
// static file, the origin's refusal), is a normal response after which the connection closes, since
// no parser is left to read another request from it.
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { Core } from '../core/contract.js';
import type { ConnectionTracker } from './connection-tracker.js';
import type { PipelineGate } from './pipeline-gate.js';
import { EarlyBytes } from './early-bytes.js';
import { serveExchange } from './serve-exchange.js';
import { isWebSocketUpgrade } from './websocket-upgrade.js';

export function upgradeHandler(
  core: Core,
  scheme: 'http' | 'https',
  tracker: ConnectionTracker,
  gate: PipelineGate,
  idleTimeoutMs: number,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (raw, duplex, head) => {
    const socket = duplex as Socket;
    // node removed its own error and timeout listeners with the parser: an unhandled 'error' would be
    // an uncaught exception, and a client that stops reading would hold the socket forever.
    socket.on('error', () => {});
    socket.setTimeout(idleTimeoutMs);
    socket.once('timeout', () => socket.destroy());
    // An Upgrade pipelined behind a request still being answered (no browser does this): the socket is
    // that response's, and answering in order would need the parser node has just dropped.
    if (!gate.admit(socket) || socket.writableEnded || (socket as { _httpMessage?: unknown })._httpMessage) return void socket.destroy();
    const res = new ServerResponse(raw);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    // node's parser ends a `Connection: close` response's socket; here nothing else would.
    res.once('finish', () => socket.destroySoon());
    const tunnel = isWebSocketUpgrade(raw);
    const early = new EarlyBytes(socket, head, tunnel);
    serveExchange(core, raw, res, scheme, tracker, { takeHead: () => early.take(), tunnel });
  };
}
