// The one module that imports pino. Log lines go to stdout through pino's asynchronous destination
// (sonic-boom, sync: false): writes never block the event loop, and pino flushes the destination
// synchronously if the process exits with lines still buffered. JSON events are pino's own lines; access
// lines are pre-formatted strings (access-line.ts explains why) that share the destination and a
// LineBatch, so every line keeps its order.
import pino, { type Logger as PinoLogger } from 'pino';
import type { Config } from '../config/options.js';
import { redact, textEventLine } from './event-fields.js';
import { isoNow } from './iso-time.js';
import { LineBatch, type LineDestination } from './line-batch.js';

export type EventLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface Logger {
  /** false when no access line would be written (RWS_CONFIG_ACCESS_LOG=off or a level above info). */
  readonly accessLog: boolean;
  access(line: string): void;
  event(level: EventLevel, msg: string, fields?: Record<string, unknown>): void;
  /** Resolves once every line so far has been written (or after `timeoutMs` if stdout does not drain). */
  flush(timeoutMs?: number): Promise<void>;
}

type Destination = ReturnType<typeof pino.destination>;

/** Lines buffered beyond this while stdout does not keep up are dropped rather than held in memory. */
const maxBufferedBytes = 16 * 1024 * 1024;

const silent: Logger = { accessLog: false, access() {}, event() {}, flush: async () => {} };

export function createLogger(config: Pick<Config, 'logFormat' | 'logLevel' | 'accessLog'>, fd = 1): Logger {
  if (config.logLevel === 'silent') return silent;
  const threshold = pino.levels.values[config.logLevel]!;
  // minLength 1: a write starts at once, yet flush(cb) still waits for the write in flight (sonic-boom
  // skips that wait when minLength is 0). Buffer mode: batches arrive encoded (line-batch.ts).
  const dest = pino.destination({ dest: fd, sync: false, contentMode: 'buffer', minLength: 1, maxWrite: 64 * 1024, maxLength: maxBufferedBytes });
  // After an EPIPE pino turns the destination into a no-op; any other write error must not crash the edge.
  dest.on('error', () => {});
  // sonic-boom's types know only its string mode; in contentMode 'buffer' write() takes Buffers.
  const batch = new LineBatch(dest as unknown as LineDestination, 64 * 1024);
  beforeExit.add(() => {
    batch.handOver();
    dest.flushSync();
  });
  const json = config.logFormat === 'json' ? jsonEvents(config.logLevel, batch) : undefined;

  return {
    accessLog: config.accessLog && threshold <= pino.levels.values.info!,
    access(line) {
      batch.push(line);
    },
    event(level, msg, fields) {
      if (pino.levels.values[level]! < threshold) return;
      const safe = fields === undefined ? undefined : redact(fields);
      if (json !== undefined) json[level](safe ?? {}, msg);
      else batch.push(textEventLine(isoNow(), level, msg, safe));
      // Events are rare and operators wait for them (listening, ready, drain): never hold them back.
      batch.handOver();
    },
    flush(timeoutMs = 2000) {
      batch.handOver();
      return flushed(dest, timeoutMs);
    },
  };
}

// pino's JSON lines with the conventions of the access lines: level as a string label, ISO 8601 time,
// no pid/hostname (the orchestrator adds pod metadata).
function jsonEvents(level: string, batch: LineBatch): PinoLogger {
  return pino(
    {
      level,
      base: null,
      timestamp: () => ',"time":"' + isoNow() + '"',
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => batch.push(line) },
  );
}

function flushed(dest: Destination, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    try {
      // The callback's error (fsync is not supported on pipes) does not matter: the bytes were written.
      dest.flush(done);
    } catch {
      done();
    }
  });
}

// On process exit (including process.exit from a fatal path) pending batches are handed to their
// destinations and written synchronously; one process listener serves every logger.
const beforeExit = new Set<() => void>();
process.once('exit', () => {
  for (const f of beforeExit) {
    try {
      f();
    } catch {
      // stdout is gone: nothing left to do
    }
  }
});
