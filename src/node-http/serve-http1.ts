// The 'request' handler of an HTTP/1.1 server (plain, or over TLS): each exchange is counted against its
// connection's pipelining bound and by the connection tracker. Shared by src/h1 and the HTTP/1.1 side of
// src/h2.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../core/contract.js';
import type { ConnectionTracker } from './connection-tracker.js';
import type { PipelineGate } from './pipeline-gate.js';
import { serveExchange } from './serve-exchange.js';

export function http1Handler(
  core: Core,
  scheme: 'http' | 'https',
  tracker: ConnectionTracker,
  gate: PipelineGate,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // Too many requests pipelined ahead of their answers: the connection is closed (./pipeline-gate.ts).
    if (!gate.admit(req.socket)) {
      // Requests node parsed from the same read still arrive after the destroy: the cut counts once.
      if (!req.socket.destroyed) core.connectionCut('h1', 'pipeline_limit', req.socket.remoteAddress);
      return void req.socket.destroy();
    }
    serveExchange(core, req, res, scheme, tracker);
  };
}
