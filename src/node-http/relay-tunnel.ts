// Relays a tunnel's bytes both ways between the client's connection and the origin's, once the 101 is
// written, with stream.pipe()'s backpressure. A half-close travels through (a FIN from one side ends the
// other's write side, as RFC 6455 §7.1.1 expects of the TCP close after the closing handshake); when one
// side has closed, the other is ended and closed as soon as what is buffered for it is written, or at
// once when the closing side failed. No byte either way for the idle timeout closes both.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Tunnel } from '../core/contract.js';

export interface TunnelEnd {
  /** Bytes relayed to the client (after the 101 head). */
  readonly sent: number;
  /** Bytes relayed to the origin, those that arrived with the request head included. */
  readonly received: number;
  /** true when the tunnel was cut (an error on either side, or closed without a FIN from either). */
  readonly aborted: boolean;
}

/** How long a side gets to flush what was relayed to it once the other side closed. */
const flushGraceMs = 2000;

/** `clientHead`: the bytes node read past the request head (the client's first frames). */
export function relayTunnel(client: Socket, clientHead: Buffer, tunnel: Tunnel, done: (end: TunnelEnd) => void): void {
  const origin = tunnel.origin;
  let sent = 0;
  let received = clientHead.length;
  let failed = false;
  let clean = false;
  let over = false;
  client.on('data', (chunk: Buffer) => (received += chunk.length));
  origin.on('data', (chunk: Buffer) => (sent += chunk.length));
  for (const side of [client, origin]) {
    side.on('error', () => (failed = true));
    side.once('end', () => (clean = true));
  }
  // net.Socket's timer counts reads and writes: every relayed byte passes through the client's socket.
  client.removeAllListeners('timeout');
  client.setTimeout(tunnel.idleTimeoutMs);
  client.once('timeout', () => {
    clean = true;
    client.destroy();
    origin.destroy();
  });
  const closed = (other: Duplex) => (): void => {
    if (failed) other.destroy();
    else endThenDestroy(other);
    if (over) return;
    over = true;
    done({ sent, received, aborted: failed || !clean });
  };
  client.once('close', closed(origin));
  origin.once('close', closed(client));
  if (clientHead.length > 0) origin.write(clientHead);
  client.pipe(origin);
  origin.pipe(client);
}

function endThenDestroy(side: Duplex): void {
  if (side.destroyed) return;
  if (side.writableFinished) return void side.destroy();
  const timer = setTimeout(() => side.destroy(), flushGraceMs);
  side.once('finish', () => side.destroy());
  side.once('close', () => clearTimeout(timer));
  side.end();
}
