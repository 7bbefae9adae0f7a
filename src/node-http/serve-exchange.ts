// One HTTP/1.1 exchange on node's HTTP stack: translate, call the core, write the answer. Used by src/h1
// and by the HTTP/1.1 side of src/h2 (HTTP/2 streams: src/h2/serve-stream.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../core/contract.js';
import { NodeCoreRequest } from './node-request.js';
import { writeResponse } from './write-response.js';

export interface ExchangeCounter {
  started(): void;
  ended(): void;
}

export function serveExchange(
  core: Core,
  raw: IncomingMessage,
  res: ServerResponse,
  scheme: 'http' | 'https',
  counter: ExchangeCounter,
): void {
  const startedAt = performance.now();
  counter.started();
  const req = new NodeCoreRequest(raw, scheme);
  // The contract's req.signal aborts as soon as the client goes away, also while the core is still
  // working (the proxy then cancels the origin request instead of waiting for its answer).
  const gone = (): void => req.markAborted();
  res.once('close', gone);
  core.handle(req).then(
    (out) => {
      res.off('close', gone);
      if (res.destroyed || res.headersSent) {
        // The client left while the core was working: nothing to write, but the exchange still ends once.
        core.finish(req, out, { bytesSent: 0, bytesReceived: 0, aborted: true }, startedAt);
        req.markAborted();
        counter.ended();
        return;
      }
      writeResponse(core, req, res, out, startedAt, () => counter.ended());
    },
    // handle() turns every error into a 500; reaching this means a bug in the core itself.
    () => {
      res.destroy();
      counter.ended();
    },
  );
}
