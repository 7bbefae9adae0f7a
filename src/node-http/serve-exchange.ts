// One HTTP/1.1 exchange on node's HTTP stack: translate, call the core, write the answer, and report the
// end of the exchange exactly once. Used by src/h1 and by the HTTP/1.1 side of src/h2 (HTTP/2 streams:
// src/h2/serve-stream.ts). One 'close' listener per exchange does all the end-of-exchange work: at tens
// of thousands of requests per second each listener (and each once() wrapper) shows in the profile.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Core, CoreResponse, Tunnel } from '../core/contract.js';
import { whenSettled } from '../core/settle.js';
import type { ConnectionTracker } from './connection-tracker.js';
import { NodeCoreRequest } from './node-request.js';
import { relayTunnel } from './relay-tunnel.js';
import { bytesReceived, writeResponse } from './write-response.js';

/**
 * An exchange on a connection node's parser has let go of (its 'upgrade' event, ./serve-upgrade.ts):
 * `res` was made for it and given the socket; the connection closes after it unless it becomes a tunnel.
 */
export interface Detached {
  /** Stops reading the socket; returns what the client sent past its request head, the tunnel's first bytes. */
  readonly takeHead: () => Buffer;
  /** Offer the connection to the core for a tunnel (Core.handleUpgrade) rather than call Core.handle. */
  readonly tunnel: boolean;
}

export function serveExchange(
  core: Core,
  raw: IncomingMessage,
  res: ServerResponse,
  scheme: 'http' | 'https',
  tracker: ConnectionTracker,
  detached?: Detached,
): void {
  const startedAt = performance.now();
  const socket: Socket = raw.socket;
  tracker.requestStarted(socket, res);
  const req = new NodeCoreRequest(raw, scheme, detached !== undefined);
  let out: CoreResponse | undefined;
  let sent = 0;
  // Set by a tunnel, which counts its own bytes.
  let received: number | undefined;
  let over = false;
  const end = (aborted: boolean): void => {
    if (over) return;
    over = true;
    if (aborted) req.markAborted();
    received ??= bytesReceived(req.body, req.headers['content-length']);
    core.finish(req, out!, { bytesSent: sent, bytesReceived: received, aborted }, startedAt);
    tracker.requestEnded(socket, res);
  };
  // 'close' comes once: after the response is written, or when the client goes away, while the core
  // is still working (req.signal aborts at once, so the proxy cancels the origin request) or while the
  // body is being sent.
  res.on('close', () => {
    if (out === undefined) req.markAborted();
    else if (res.writableFinished) end(false);
    else {
      // Still in node's queue behind another response when the connection closed (pipelined): it never
      // had the socket (one that had it keeps it when it closes early), so none of its body was sent,
      // whatever was read into node's buffer for it.
      if (res.socket === null) sent = 0;
      end(true);
    }
  });
  // The 101 head goes out through node's writer (it validates the fields, adds Date), then the socket
  // leaves `res` for the tunnel: `res` no longer closes with it, the relay ends the exchange.
  const relay = (t: Tunnel): void => {
    if (req.aborted || res.destroyed) {
      t.origin.destroy();
      return end(true);
    }
    try {
      res.writeHead(101, t.response.headers);
      res.flushHeaders();
      res.detachSocket(socket);
    } catch (e) {
      t.origin.destroy();
      throw e;
    }
    relayTunnel(socket, detached!.takeHead(), t, (e) => {
      sent = e.sent;
      received = e.received;
      end(e.aborted);
    });
  };
  const answer = detached?.tunnel ? core.handleUpgrade(req) : core.handle(req);
  whenSettled<CoreResponse | Tunnel>(
    answer,
    (r) => {
      if ('origin' in r) {
        out = r.response;
        return relay(r);
      }
      out = r;
      // The client left while the core was working: nothing to write, but the exchange still ends once.
      if (req.aborted || res.destroyed || res.headersSent) return end(true);
      writeResponse(res, r, (n) => (sent += n));
    },
    // handle() turns every error into a 500; reaching this means a bug in the core itself, or node
    // refused to write the core's answer (whenSettled). The exchange still ends once.
    () => {
      if (out !== undefined) end(true);
      else {
        over = true;
        tracker.requestEnded(socket, res);
      }
      res.destroy();
    },
  );
}
