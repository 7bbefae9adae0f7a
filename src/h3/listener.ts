// The HTTP/3 listener: QUIC on UDP at the TLS port, with the same certificate. Like src/h1 and src/h2 it
// only translates into the core; it depends on the QuicEngine interface, and the engine (quiche today,
// node:quic when Node ships it) is chosen by whoever builds the listener.
import type { Core, TlsListener } from '../core/contract.js';
import { H3Connection } from './h3-connection.js';
import type { QuicEngine, QuicEngineEvent, QuicEngineOptions, QuicRetryPolicy } from './quic/engine.js';

export interface H3Options {
  name: string;
  host: string;
  /** The TLS listener's port: HTTP/3 uses the same number on UDP (resolved after the TLS bind, for port 0). */
  port: () => number;
  cert: Buffer;
  key: Buffer;
  idleTimeoutMs: number;
  maxConnections: number;
  maxConcurrentStreams: number;
  maxFieldSectionSize: number;
  retry: QuicRetryPolicy;
  createEngine: (o: QuicEngineOptions) => QuicEngine;
  onEngineEvent?: (e: QuicEngineEvent) => void;
}

export function createH3Listener(core: Core, o: H3Options): TlsListener {
  const connections = new Set<H3Connection>();
  let draining = false;
  let drained: (() => void) | null = null;
  let engine: QuicEngine | null = null;
  // The pair the engine starts with: the configured one, or a renewed one that arrived before listen().
  let pair = { cert: o.cert, key: o.key };

  const checkDrained = (): void => {
    if (drained !== null && inflight() === 0 && connections.size === 0) drained();
  };
  const inflight = (): number => {
    let n = 0;
    for (const c of connections) n += c.activeRequests;
    return n;
  };

  function start(): QuicEngine {
    return o.createEngine({
      host: o.host,
      port: o.port(),
      cert: pair.cert,
      key: pair.key,
      alpn: ['h3'],
      idleTimeoutMs: o.idleTimeoutMs,
      maxConnections: o.maxConnections,
      maxStreamsBidi: o.maxConcurrentStreams,
      retry: o.retry,
      onConnection(conn) {
        const c = new H3Connection(core, conn, {
          maxFieldSectionSize: o.maxFieldSectionSize,
          onClosed: (closed) => {
            connections.delete(closed);
            checkDrained();
          },
          onIdle: checkDrained,
        });
        connections.add(c);
        if (draining) c.goaway();
        return c;
      },
      onEvent: o.onEngineEvent,
    });
  }

  return {
    name: o.name,
    async listen() {
      engine = start();
      const bound = await engine.listen();
      return bound[0]!.port;
    },
    async drain(deadline) {
      draining = true;
      engine?.stopAccepting();
      for (const c of connections) c.goaway();
      if (connections.size === 0) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        drained = () => {
          clearTimeout(t);
          resolve();
        };
        checkDrained();
      });
    },
    async close() {
      const cut = inflight();
      await engine?.close();
      return cut;
    },
    inflight,
    setCertificate(cert, key) {
      engine?.setCertificate(cert, key);
      pair = { cert, key };
    },
  };
}
