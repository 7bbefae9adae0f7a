// The one module that imports prom-client. The hot path never touches prom-client: it counts into
// RequestStats (plain numbers), and every series here is materialised from those numbers by a collect()
// callback when /metrics is scraped. Series names and labels are documented in docs/metrics.md and
// pinned by test/observability/series-names.test.ts.
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { DURATION_BUCKETS_S, type BucketCounts } from './bucket-counts.js';
import { ERROR_REASONS, PROTOCOLS } from './labels.js';
import { CUTS, UPSTREAM_OUTCOMES, type RequestStats } from './request-stats.js';

/** What /metrics reads of the process lifecycle (src/core/lifecycle.ts). */
export interface ReadinessSource {
  isReady(): boolean;
  isDraining(): boolean;
}

export interface Metrics {
  readonly contentType: string;
  render(): Promise<string>;
}

type Labels = Record<string, string>;
type Sample = readonly [Labels, number];

const requestLabels = ['protocol', 'method', 'route', 'status_code'];

/** `tls`: the TLS series exist only when the server presents a certificate. */
export function createMetrics(stats: RequestStats, lifecycle?: ReadinessSource, o: { tls?: boolean } = {}): Metrics {
  const registry = new Registry();
  // Process and runtime series, nodejs_eventloop_lag_* among them.
  collectDefaultMetrics({ register: registry });
  const counter = snapshot(registry, 'counter');
  const gauge = snapshot(registry, 'gauge');

  counter('http_requests_total', 'Requests by protocol, method, route template and status code.', requestLabels, () =>
    map(stats.series.values(), (s) => [s.labels, s.count]),
  );
  histogram(registry, 'http_request_duration_seconds', 'Time from request headers to the end of the response.', () =>
    map(stats.series.values(), (s) => [s.labels, s] as const),
  );
  counter('http_request_errors_total', 'Failed requests by reason: 5xx, client_aborted, upstream_error, upstream_timeout (each counted once).', ['protocol', 'reason'], () =>
    PROTOCOLS.flatMap((protocol, p) => ERROR_REASONS.map((reason, r): Sample => [{ protocol, reason }, stats.errors[p * ERROR_REASONS.length + r]!])),
  );
  gauge('http_active_connections', 'Open transport connections (TCP for h1/h2, QUIC for h3).', ['protocol'], () => byProtocol(stats.activeConnections));
  gauge('http_active_requests', 'Requests in flight.', ['protocol'], () => byProtocol(stats.activeRequests));
  counter('http_request_bytes_total', 'Request body bytes received.', ['protocol'], () => byProtocol(stats.requestBytes));
  counter('http_response_bytes_total', 'Response body bytes sent.', ['protocol'], () => byProtocol(stats.responseBytes));
  counter('rws_connections_cut_total', 'TCP connections the edge closed on its own, by protocol and reason: a request the HTTP/1.1 parser refused or that timed out, a limit, an unresponsive HTTP/2 client.', ['protocol', 'reason'], () =>
    CUTS.map(([protocol, reason], i): Sample => [{ protocol, reason }, stats.cuts[i]!]),
  );
  gauge('rws_ready', '1 while /readyz answers 200.', [], () => [[{}, lifecycle?.isReady() ? 1 : 0]]);
  gauge('rws_draining', '1 once shutdown has begun.', [], () => [[{}, lifecycle?.isDraining() ? 1 : 0]]);
  counter('rws_upstream_requests_total', 'Origin requests by outcome: ok (answered), error, timeout, aborted.', ['outcome'], () =>
    UPSTREAM_OUTCOMES.map((outcome, i): Sample => [{ outcome }, stats.upstreamOutcomes[i]!]),
  );
  histogram(registry, 'rws_upstream_request_duration_seconds', 'Time until the origin response headers (or the failure).', () => [[{}, stats.upstreamDuration]]);
  gauge('rws_open_tunnels', 'WebSocket tunnels open to the origin (each also counts in http_requests_total with status 101 once closed).', [], () => [[{}, stats.openTunnels]]);
  counter('rws_quic_handshakes_total', 'Completed QUIC handshakes.', [], () => [[{}, stats.quicHandshakes]]);
  counter('rws_quic_retry_sent_total', 'QUIC Retry packets sent (address validation).', [], () => [[{}, stats.quicRetriesSent]]);
  counter('rws_quic_packets_dropped_total', 'QUIC packets dropped by reason.', ['reason'], () =>
    stats.quicDropReasons.values.map((reason, i): Sample => [{ reason }, stats.quicPacketsDropped[i] ?? 0]),
  );
  counter('rws_quic_connections_closed_total', 'QUIC connections closed by error code.', ['code'], () =>
    stats.quicCloseCodes.values.map((code, i): Sample => [{ code }, stats.quicConnectionsClosed[i] ?? 0]),
  );
  if (o.tls) {
    // Set at start, before any listener binds (src/server.ts reports the certificate it loaded).
    gauge('rws_tls_certificate_expiry_timestamp_seconds', 'notAfter of the TLS certificate being served, Unix seconds.', [], () => [[{}, stats.tlsCertificateExpiry]]);
    counter('rws_tls_certificate_reloads_total', 'Changed certificate/key files: ok (now served) or error (refused; the previous pair is still served).', ['result'], () => [
      [{ result: 'ok' }, stats.tlsReloadsOk],
      [{ result: 'error' }, stats.tlsReloadsError],
    ]);
  }

  return { contentType: registry.contentType, render: () => registry.metrics() };
}

function byProtocol(values: Float64Array): Sample[] {
  return PROTOCOLS.map((protocol, i) => [{ protocol }, values[i]!]);
}

function map<T, U>(items: Iterable<T>, f: (t: T) => U): U[] {
  return Array.from(items, f);
}

// A prom-client Counter or Gauge whose values are copied from RequestStats at each scrape.
function snapshot(registry: Registry, kind: 'counter' | 'gauge') {
  return (name: string, help: string, labelNames: string[], samples: () => Iterable<Sample>): void => {
    const config = { name, help, labelNames, registers: [registry] };
    if (kind === 'counter') {
      new Counter({ ...config, collect() {
        this.reset();
        for (const [labels, value] of samples()) this.inc(labels, value);
      } });
    } else {
      new Gauge({ ...config, collect() {
        this.reset();
        for (const [labels, value] of samples()) this.set(labels, value);
      } });
    }
  };
}

// prom-client's Histogram can only be fed one observation at a time, so pre-aggregated bucket counts
// are exposed through a collector the registry reads like any metric: it calls get() at scrape time and
// formats the returned samples (name_bucket{le}, name_sum, name_count) itself.
function histogram(registry: Registry, name: string, help: string, series: () => Iterable<readonly [Labels, BucketCounts]>): void {
  const collector = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    reset() {},
    async get() {
      const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
      for (const [labels, b] of series()) {
        const cumulative = b.cumulative();
        DURATION_BUCKETS_S.forEach((le, i) => values.push({ labels: { ...labels, le }, value: cumulative[i]!, metricName: `${name}_bucket` }));
        values.push({ labels: { ...labels, le: '+Inf' }, value: b.count, metricName: `${name}_bucket` });
        values.push({ labels, value: b.sumMs / 1000, metricName: `${name}_sum` });
        values.push({ labels, value: b.count, metricName: `${name}_count` });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
  registry.registerMetric(collector as unknown as Metric);
}
