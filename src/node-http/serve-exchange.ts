// One exchange on node's HTTP stack: translate, call the core, write the answer. Used by src/h1 and by
// src/h2 (HTTP/2 and HTTP/1.1 over TLS).
import type { Core, Protocol } from '../core/contract.js';
import { NodeCoreRequest, type NodeRequest } from './node-request.js';
import { writeResponse, type NodeResponse } from './write-response.js';

export interface ExchangeCounter {
  started(): void;
  ended(): void;
}

export function serveExchange(
  core: Core,
  raw: NodeRequest,
  res: NodeResponse,
  protocol: Protocol,
  scheme: 'http' | 'https',
  counter: ExchangeCounter,
): void {
  const startedAt = performance.now();
  counter.started();
  const req = new NodeCoreRequest(raw, protocol, scheme);
  // The contract's req.signal aborts as soon as the client goes away, also while the core is still
  // working (the proxy then cancels the origin request instead of waiting for its answer).
  const gone = (): void => req.markAborted();
  res.once('close', gone);
  // An HTTP/2 stream the client resets while node still holds unread request data (a GET whose end
  // nobody reads, as after undici's abort) is destroyed by node only once the request is read to its
  // end: the response never sees 'close', and a proxied origin stream ran on forever (measured,
  // test/exhaustion/proxy-endless-stream.test.ts). node does report 'aborted': that ends the response.
  if (protocol === 'h2') raw.once('aborted', () => res.destroy());
  core.handle(req).then(
    (out) => {
      res.off('close', gone);
      // Http2ServerResponse has no `destroyed`: a reset stream shows on res.stream.
      if (res.destroyed || res.headersSent || ('stream' in res && res.stream.destroyed)) {
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
