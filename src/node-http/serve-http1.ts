// One HTTP/1.1 exchange (plain, or over TLS): counted against the connection's pipelining bound and by
// the connection tracker. Shared by src/h1 and the HTTP/1.1 side of src/h2.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../core/contract.js';
import type { ConnectionTracker } from './connection-tracker.js';
import type { PipelineGate } from './pipeline-gate.js';
import { serveExchange } from './serve-exchange.js';

export function serveHttp1(
  core: Core,
  req: IncomingMessage,
  res: ServerResponse,
  scheme: 'http' | 'https',
  tracker: ConnectionTracker,
  gate: PipelineGate,
): void {
  const socket = req.socket;
  // Too many requests pipelined ahead of their answers: the connection is closed (./pipeline-gate.ts).
  if (!gate.admit(socket)) return void socket.destroy();
  serveExchange(core, req, res, scheme, {
    started: () => tracker.requestStarted(socket, res),
    ended: () => {
      tracker.requestEnded(socket, res);
      gate.done(socket);
    },
  });
}
