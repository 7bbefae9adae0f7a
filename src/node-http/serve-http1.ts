// The 'request' handler of an HTTP/1.1 server (plain, or over TLS): each exchange is counted against its
// connection's pipelining bound and by the connection tracker. Shared by src/h1 and the HTTP/1.1 side of
// src/h2.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Core } from '../core/contract.js';
import type { ConnectionTracker } from './connection-tracker.js';
import type { PipelineGate } from './pipeline-gate.js';
import { serveExchange, type ExchangeEnds } from './serve-exchange.js';

export function http1Handler(
  core: Core,
  scheme: 'http' | 'https',
  tracker: ConnectionTracker,
  gate: PipelineGate,
): (req: IncomingMessage, res: ServerResponse) => void {
  const ends: ExchangeEnds = {
    ended: (socket: Socket, res: ServerResponse) => tracker.requestEnded(socket, res),
  };
  return (req, res) => {
    const socket = req.socket;
    // Too many requests pipelined ahead of their answers: the connection is closed (./pipeline-gate.ts).
    if (!gate.admit(socket)) return void socket.destroy();
    tracker.requestStarted(socket, res);
    serveExchange(core, req, res, scheme, ends);
  };
}
