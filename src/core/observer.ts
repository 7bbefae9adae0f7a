// What the core reports for observability (metrics and logs). The implementation lives in
// src/core/observability/ (the only modules that import pino and prom-client); this interface keeps the
// rest of the core, and the tests, independent of both. Series and log fields: docs/metrics.md.
import type { CoreRequest, CoreResponse, CutReason, ExchangeEnd, Protocol } from './contract.js';

/** How an origin request ended: ok = the origin answered (any status), error = connect/reset/protocol failure. */
export type UpstreamOutcome = 'ok' | 'error' | 'timeout' | 'aborted';

/**
 * QUIC driver events (rws_quic_* series). `label` is the drop reason for packet_dropped and the close
 * code for connection_closed (e.g. "NO_ERROR", "H3_NO_ERROR", "0x10c"); at most 32 reasons and 64 codes
 * are kept as distinct label values, the rest count as "other".
 */
export type QuicEventName = 'handshake' | 'retry_sent' | 'packet_dropped' | 'connection_closed';

/** The certificate the TLS listeners present (the leaf of the configured chain). */
export interface ServedCertificate {
  readonly subject: string;
  /** As node:crypto's X509Certificate gives it, e.g. "DNS:example.com, IP Address:127.0.0.1". */
  readonly subjectAltName: string | undefined;
  readonly serialNumber: string;
  /** notAfter, ms since the epoch. */
  readonly notAfterMs: number;
}

/**
 * The TLS pair at start (`reload` false) or after a reload (rws_tls_certificate_*): a pair now being
 * served, or a changed pair that was refused (the previous one is still served), naming the variable.
 */
export type TlsCertificateEvent =
  | { readonly result: 'ok'; readonly reload: boolean; readonly certificate: ServedCertificate }
  | { readonly result: 'error'; readonly variable: string; readonly reason: string };

export interface Observer {
  requestStarted(protocol: Protocol): void;
  requestFinished(req: CoreRequest, res: CoreResponse, end: ExchangeEnd, durationMs: number): void;
  /** A protocol switch (WebSocket) began relaying (Core.handleUpgrade); tunnelClosed once it is over. */
  tunnelOpened(): void;
  tunnelClosed(): void;
  connectionOpened(protocol: Protocol): void;
  connectionClosed(protocol: Protocol): void;
  /** A listener closed a connection on its own (rws_connections_cut_total, and a log line). */
  connectionCut(protocol: Protocol, reason: CutReason, remoteAddress: string | undefined): void;
  /** One origin request is over (the proxy calls this once per attempt); `ms` until headers or failure. */
  upstreamFinished(outcome: UpstreamOutcome, ms: number): void;
  quicEvent(name: QuicEventName, label?: string): void;
  tlsCertificate(e: TlsCertificateEvent): void;
  /** A lifecycle or operational event (listening, ready, drain, exit, warnings, errors). */
  event(level: 'debug' | 'info' | 'warn' | 'error' | 'fatal', msg: string, fields?: Record<string, unknown>): void;
  /** Metrics exposition for /metrics: content type and body. */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Flush buffered log lines (before exit). */
  flush(): Promise<void>;
}
