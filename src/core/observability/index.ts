// PLACEHOLDER until the observability work lands (pino access logs, prom-client metrics): lifecycle
// events as text lines on stdout, no metrics.
import type { Config } from '../config/options.js';
import type { Observer } from '../observer.js';

export function createObserver(_config: Config): Observer {
  return {
    requestStarted() {},
    requestFinished() {},
    connectionOpened() {},
    connectionClosed() {},
    event(level, msg, fields) {
      const time = new Date().toISOString();
      process.stdout.write(
        _config.logFormat === 'json'
          ? JSON.stringify({ time, level, msg, ...fields }) + '\n'
          : `${time} ${level} ${msg} ${fields ? JSON.stringify(fields) : ''}\n`,
      );
    },
    async metrics() {
      return { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '' };
    },
    async flush() {},
  };
}
