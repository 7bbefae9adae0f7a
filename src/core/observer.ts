// What the core reports for observability (metrics and logs). The implementation lives in
// src/core/observability/ (the only modules that import pino and prom-client); this interface keeps the
// rest of the core, and the tests, independent of both.
import type { CoreRequest, CoreResponse, ExchangeEnd, Protocol } from './contract.js';

export interface Observer {
  requestStarted(protocol: Protocol): void;
  requestFinished(req: CoreRequest, res: CoreResponse, end: ExchangeEnd, durationMs: number): void;
  connectionOpened(protocol: Protocol): void;
  connectionClosed(protocol: Protocol): void;
  /** A lifecycle or operational event (listening, ready, drain, exit, warnings, errors). */
  event(level: 'debug' | 'info' | 'warn' | 'error' | 'fatal', msg: string, fields?: Record<string, unknown>): void;
  /** Metrics exposition for /metrics: content type and body. */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Flush buffered log lines (before exit). */
  flush(): Promise<void>;
}
