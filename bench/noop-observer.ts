// An Observer that records nothing: the baseline against which the benchmarks measure what metrics and
// access logs cost.
import type { Observer } from '../src/core/observer.js';

export const noopObserver: Observer = {
  requestStarted() {},
  requestFinished() {},
  tunnelOpened() {},
  tunnelClosed() {},
  connectionOpened() {},
  connectionClosed() {},
  connectionCut() {},
  upstreamFinished() {},
  quicEvent() {},
  tlsCertificate() {},
  event() {},
  metrics: async () => ({ contentType: 'text/plain', body: '' }),
  flush: async () => {},
};
