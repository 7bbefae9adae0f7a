// The hot-path side of the metrics: plain numbers in arrays indexed by small label ids. Nothing here
// allocates per request once a label combination has been seen; metrics.ts turns these into prom-client
// series when /metrics is scraped.
import type { CoreResponse, CutReason, ExchangeEnd, Protocol } from '../contract.js';
import type { QuicEventName, TlsCertificateEvent, UpstreamOutcome } from '../observer.js';
import { BucketCounts } from './bucket-counts.js';
import {
  CappedLabel,
  ERROR_REASONS,
  METHODS,
  PROTOCOLS,
  ROUTES,
  methodIndex,
  protocolIndex,
  reason,
  routeIndex,
  statusCode,
  statusLabel,
} from './labels.js';

/** One label combination of http_requests_total / http_request_duration_seconds. */
export class RequestSeries extends BucketCounts {
  constructor(readonly labels: Readonly<{ protocol: string; method: string; route: string; status_code: string }>) {
    super();
  }
}

// Label values exposed at zero from the start, so rate() and alerts work before the first event: the
// QUIC driver's drop reasons (QuicDropReason in src/h3/quic/engine.ts, which the core may not import;
// test/observability/label-values.test.ts checks that this list has every one of them) and the ordinary
// close codes (src/h3/engine-events.ts names them).
export const QUIC_DROP_REASONS: readonly string[] = [
  'malformed',
  'unknown_connection',
  'small_initial',
  'unsupported_version',
  'invalid_token',
  'connection_limit',
  'not_accepting',
  'accept_failed',
  'invalid_initial',
  'rate_limited',
];
const QUIC_CLOSE_CODES = ['NO_ERROR', 'H3_NO_ERROR', 'IDLE_TIMEOUT'];

export const UPSTREAM_OUTCOMES: readonly UpstreamOutcome[] = ['ok', 'error', 'timeout', 'aborted'];

// The reasons each TCP protocol can cut a connection for (CutReason in ../contract.ts), all exposed at
// zero. HTTP/1.1 over TLS counts as h1.
export const CUTS: readonly (readonly [Protocol, CutReason])[] = [
  ['h1', 'bad_request'],
  ['h1', 'headers_too_large'],
  ['h1', 'request_timeout'],
  ['h1', 'pipeline_limit'],
  ['h2', 'reset_limit'],
  ['h2', 'flood'],
  ['h2', 'unresponsive'],
];

const protocols = PROTOCOLS.length;
const perProtocol = (): Float64Array => new Float64Array(protocols);

export class RequestStats {
  /** Keyed by protocol, method, route and status packed into one small integer. */
  readonly series = new Map<number, RequestSeries>();
  readonly errors = new Float64Array(protocols * ERROR_REASONS.length);
  readonly activeConnections = perProtocol();
  readonly activeRequests = perProtocol();
  readonly requestBytes = perProtocol();
  readonly responseBytes = perProtocol();
  readonly upstreamOutcomes = new Float64Array(UPSTREAM_OUTCOMES.length);
  readonly upstreamDuration = new BucketCounts();
  /** WebSocket tunnels relaying now (a 101 from the origin until the tunnel closes). */
  openTunnels = 0;
  quicHandshakes = 0;
  quicRetriesSent = 0;
  readonly quicDropReasons = new CappedLabel(32, QUIC_DROP_REASONS);
  readonly quicPacketsDropped: number[] = [];
  readonly quicCloseCodes = new CappedLabel(64, QUIC_CLOSE_CODES);
  readonly quicConnectionsClosed: number[] = [];
  /** Indexed like CUTS. */
  readonly cuts = new Float64Array(CUTS.length);
  /** notAfter of the certificate being served, Unix seconds (reported at start, before anything binds). */
  tlsCertificateExpiry = 0;
  tlsReloadsOk = 0;
  tlsReloadsError = 0;

  requestStarted(protocol: Protocol): void {
    this.activeRequests[protocolIndex(protocol)]!++;
  }

  requestFinished(protocol: Protocol, method: string, res: CoreResponse, end: ExchangeEnd, durationMs: number): void {
    const p = protocolIndex(protocol);
    this.activeRequests[p]!--;
    this.requestBytes[p]! += end.bytesReceived;
    this.responseBytes[p]! += end.bytesSent;
    const m = methodIndex(method);
    const r = routeIndex(res.route);
    const s = statusCode(res.status);
    // 3 bits protocol, 4 bits method, 5 bits route, 10 bits status: an SMI key, no string building.
    const key = (((p << 4) | m) << 5 | r) << 10 | s;
    let series = this.series.get(key);
    if (series === undefined) {
      series = new RequestSeries({ protocol, method: METHODS[m]!, route: ROUTES[r]!, status_code: statusLabel(s) });
      this.series.set(key, series);
    }
    series.observe(durationMs);
    const why = failure(res, end);
    if (why >= 0) this.errors[p * ERROR_REASONS.length + why]!++;
  }

  connectionOpened(protocol: Protocol): void {
    this.activeConnections[protocolIndex(protocol)]!++;
  }

  connectionClosed(protocol: Protocol): void {
    this.activeConnections[protocolIndex(protocol)]!--;
  }

  connectionCut(protocol: Protocol, why: CutReason): void {
    const i = CUTS.findIndex(([p, r]) => p === protocol && r === why);
    if (i >= 0) this.cuts[i]!++;
  }

  upstreamFinished(outcome: UpstreamOutcome, ms: number): void {
    const i = UPSTREAM_OUTCOMES.indexOf(outcome);
    this.upstreamOutcomes[i === -1 ? 1 : i]!++;
    this.upstreamDuration.observe(ms);
  }

  quicEvent(name: QuicEventName, label?: string): void {
    switch (name) {
      case 'handshake':
        this.quicHandshakes++;
        return;
      case 'retry_sent':
        this.quicRetriesSent++;
        return;
      case 'packet_dropped':
        bump(this.quicPacketsDropped, this.quicDropReasons.id(label));
        return;
      case 'connection_closed':
        bump(this.quicConnectionsClosed, this.quicCloseCodes.id(label));
        return;
    }
  }

  tlsCertificate(e: TlsCertificateEvent): void {
    if (e.result === 'error') {
      this.tlsReloadsError++;
      return;
    }
    this.tlsCertificateExpiry = Math.floor(e.certificate.notAfterMs / 1000);
    if (e.reload) this.tlsReloadsOk++;
  }
}

function bump(counts: number[], id: number): void {
  counts[id] = (counts[id] ?? 0) + 1;
}

// The error reason of an exchange, or -1. A proxied 502/504 without origin timing is the proxy's own
// answer (the origin never responded), so it is the origin's failure rather than a plain 5xx. /readyz
// answers 503 by design while starting and draining: that is the readiness signal, not a failure (every
// rolling update would raise 5xx alerts), so it counts in http_requests_total only.
function failure(res: CoreResponse, end: ExchangeEnd): number {
  if (end.aborted) return reason.clientAborted;
  if (res.status < 500 || (res.status === 503 && res.route === 'readyz')) return -1;
  if (res.route === 'proxy' && res.upstreamMs === undefined) {
    if (res.status === 504) return reason.upstreamTimeout;
    if (res.status === 502) return reason.upstreamError;
  }
  return reason.server;
}
