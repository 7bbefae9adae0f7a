// Which HTTP/1.1 requests may switch to a WebSocket tunnel: a GET asking for the `websocket` protocol
// (RFC 6455 §4.1; protocol names are case-insensitive, RFC 9110 §7.8) and carrying no content, the only
// handshake a browser sends. Any other Upgrade (h2c from `curl --http2`, a POST with Upgrade) is served
// as a normal request, which RFC 9110 §7.8 allows: a server may ignore Upgrade.
import type { IncomingMessage } from 'node:http';
import { hasBody } from './node-request.js';

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  if (req.method !== 'GET' || hasBody(req)) return false;
  const upgrade = req.headers['upgrade'];
  if (upgrade === undefined) return false;
  // A protocol may carry a version ("websocket/13" is not a WebSocket upgrade: RFC 6455 names no version).
  return upgrade.split(',').some((p) => p.trim().toLowerCase() === 'websocket');
}

/**
 * Node 24 (>= 24.9) asks the server's `shouldUpgradeCallback` whether a request with Upgrade goes to
 * 'upgrade' (the socket leaves the HTTP parser) or to 'request' like any other; by default every one
 * goes to 'upgrade' once there is a listener. Set as a property, not a constructor option: node's
 * HTTP/2 server (HTTP/1.1 over TLS with allowHTTP1) overwrites the option with that default. Node 20
 * has no such hook and sends every Upgrade request to 'upgrade' (./serve-upgrade.ts serves the rest).
 */
export function upgradeOnlyWebSocket(server: object): void {
  Object.assign(server, { shouldUpgradeCallback: isWebSocketUpgrade });
}
