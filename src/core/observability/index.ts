// The Observer: metrics and logs for the core. Per request it does a few array increments, one Map
// lookup and, when access logs are on, one string build and concatenation; prom-client and the log
// destination do their work at scrape time and in batches (see metrics.ts, logger.ts).
import type { Config } from '../config/options.js';
import type { Observer } from '../observer.js';
import { jsonAccessLine, textAccessLine } from './access-line.js';
import { createLogger } from './logger.js';
import { createMetrics, type ReadinessSource } from './metrics.js';
import { RequestStats } from './request-stats.js';

export type { ReadinessSource } from './metrics.js';

/** `lifecycle` feeds rws_ready and rws_draining; without it both read 0. */
export function createObserver(config: Config, lifecycle?: ReadinessSource): Observer {
  const stats = new RequestStats();
  const metrics = createMetrics(stats, lifecycle, { tls: config.tls });
  const log = createLogger(config);
  const accessLine = config.logFormat === 'json' ? jsonAccessLine : textAccessLine;
  const accessLog = log.accessLog;

  return {
    requestStarted(protocol) {
      stats.requestStarted(protocol);
    },
    requestFinished(req, res, end, durationMs) {
      stats.requestFinished(req.protocol, req.method, res, end, durationMs);
      if (accessLog) log.access(accessLine(req, res, end, durationMs));
    },
    tunnelOpened() {
      stats.openTunnels++;
    },
    tunnelClosed() {
      stats.openTunnels--;
    },
    connectionOpened(protocol) {
      stats.connectionOpened(protocol);
    },
    connectionClosed(protocol) {
      stats.connectionClosed(protocol);
    },
    connectionCut(protocol, reason, remoteAddress) {
      stats.connectionCut(protocol, reason);
      // A line for the edge's own judgements about a client (an attack's source, a download that died);
      // parser refusals are routine scanner noise on a public edge: debug.
      const level = reason === 'reset_limit' || reason === 'flood' ? 'warn' : reason === 'unresponsive' ? 'info' : 'debug';
      log.event(level, 'connection cut', { protocol, reason, remote_addr: remoteAddress });
    },
    upstreamFinished(outcome, ms) {
      stats.upstreamFinished(outcome, ms);
    },
    quicEvent(name, label) {
      stats.quicEvent(name, label);
    },
    tlsCertificate(e) {
      stats.tlsCertificate(e);
      if (e.result === 'error') {
        log.event('warn', 'TLS certificate not reloaded; still serving the previous one', { variable: e.variable, reason: e.reason });
        return;
      }
      const c = e.certificate;
      const fields = { subject: c.subject, subject_alt_name: c.subjectAltName, serial: c.serialNumber, not_after: new Date(c.notAfterMs).toISOString() };
      log.event('info', e.reload ? 'TLS certificate reloaded' : 'TLS certificate', fields);
    },
    event(level, msg, fields) {
      log.event(level, msg, fields);
    },
    async metrics() {
      return { contentType: metrics.contentType, body: await metrics.render() };
    },
    flush() {
      return log.flush();
    },
  };
}
