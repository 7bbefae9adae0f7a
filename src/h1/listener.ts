// Plain HTTP/1.1 listener on node:http: a thin translator into the core. Timeouts and limits are
// tightened for a public edge (slow-loris: headersTimeout; bounded header size; idle keep-alive).
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Core, Listener } from '../core/contract.js';
import { ConnectionTracker } from '../node-http/connection-tracker.js';
import { checkContinue } from '../node-http/continue-on-read.js';
import { PipelineGate } from '../node-http/pipeline-gate.js';
import { http1Handler } from '../node-http/serve-http1.js';
import { clientErrorHandler, refuseConnect } from '../node-http/client-error.js';
import { listenOn } from '../node-http/listen-on.js';
import { upgradeHandler } from '../node-http/serve-upgrade.js';
import { upgradeOnlyWebSocket } from '../node-http/websocket-upgrade.js';

export interface H1Options {
  name: string;
  host: string;
  port: number;
  maxHeaderSize: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleTimeoutMs: number;
  /** Unanswered requests one connection may have; beyond, it is closed (src/node-http/pipeline-gate.ts). */
  maxPipelinedRequests: number;
  /**
   * The core can tunnel WebSocket upgrades (an origin is configured). Only then is an 'upgrade' listener
   * registered: on Node 20 it takes every request with Upgrade off node's parser (src/node-http/serve-upgrade.ts).
   */
  tunnels?: boolean;
}

export function createH1Listener(core: Core, o: H1Options): Listener {
  const tracker = new ConnectionTracker();
  const gate = new PipelineGate(o.maxPipelinedRequests, tracker);
  const handler = http1Handler(core, 'http', tracker, gate);
  const server: Server = createServer(
    {
      maxHeaderSize: o.maxHeaderSize,
      headersTimeout: o.headersTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      keepAliveTimeout: o.keepAliveTimeoutMs,
      noDelay: true,
      // Checks headersTimeout/requestTimeout this often (node's default is 30 s, too coarse for slow-loris).
      connectionsCheckingInterval: Math.min(1000, o.headersTimeoutMs),
    },
    handler,
  );
  server.on('checkContinue', checkContinue(handler));
  server.timeout = o.idleTimeoutMs;
  server.on('connection', (socket: Socket) => {
    tracker.add(socket);
    core.connectionOpened('h1');
    socket.once('close', () => core.connectionClosed('h1'));
  });
  // Malformed requests get node's 400/431 and the socket is closed; never an uncaught error.
  server.on('clientError', clientErrorHandler(core));
  server.on('connect', refuseConnect);
  if (o.tunnels === true) {
    upgradeOnlyWebSocket(server);
    server.on('upgrade', upgradeHandler(core, 'http', tracker, gate, o.idleTimeoutMs));
  }

  return {
    name: o.name,
    listen: () => listenOn(server, o.host, o.port),
    // server.close() stops accepting (new connections are refused); the tracker does the rest: node's
    // own close leaves busy and not-yet-requested sockets open and keep-alive (src/node-http/connection-tracker.ts).
    async drain(deadline) {
      if (server.listening) server.close();
      tracker.startDrain();
      await tracker.idle(deadline);
    },
    async close() {
      if (server.listening) server.close();
      return tracker.destroyAll();
    },
    inflight: () => tracker.inflight,
  };
}
