// Defaults of QuicEngineOptions, in one place (documented on the options themselves in ../engine.ts).
import type { QuicEngineOptions, QuicRetryPolicy } from '../engine.js';

const MiB = 1024 * 1024;

export interface ResolvedOptions {
  readonly idleTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxStreamsBidi: number;
  readonly maxStreamsUni: number;
  readonly initialMaxData: number;
  readonly initialMaxStreamData: number;
  readonly initialMaxStreamDataUni: number;
  readonly maxConnectionWindow: number;
  readonly retry: QuicRetryPolicy;
  readonly retryAboveHandshakes: number;
  readonly retryAboveAcceptsPerSecond: number;
  readonly retryTokenLifetimeMs: number;
  readonly maxUdpPayloadSize: number;
  readonly inboundOverheadLimit: number;
  readonly socketBufferBytes: number;
}

export function resolveOptions(o: QuicEngineOptions): ResolvedOptions {
  return {
    idleTimeoutMs: o.idleTimeoutMs ?? 30_000,
    handshakeTimeoutMs: o.handshakeTimeoutMs ?? 10_000,
    maxConnections: o.maxConnections ?? 10_000,
    maxStreamsBidi: o.maxStreamsBidi ?? 100,
    maxStreamsUni: o.maxStreamsUni ?? 8,
    initialMaxData: o.initialMaxData ?? 16 * MiB,
    initialMaxStreamData: o.initialMaxStreamData ?? 4 * MiB,
    initialMaxStreamDataUni: o.initialMaxStreamDataUni ?? 256 * 1024,
    maxConnectionWindow: o.maxConnectionWindow ?? 24 * MiB,
    retry: o.retry ?? 'auto',
    retryAboveHandshakes: o.retryAboveHandshakes ?? 64,
    retryAboveAcceptsPerSecond: o.retryAboveAcceptsPerSecond ?? 256,
    retryTokenLifetimeMs: o.retryTokenLifetimeMs ?? 10_000,
    maxUdpPayloadSize: o.maxUdpPayloadSize ?? 1350,
    inboundOverheadLimit: o.inboundOverheadLimit ?? MiB,
    socketBufferBytes: o.socketBufferBytes ?? 4 * MiB,
  };
}
