// Expect: 100-continue on node:http's machinery (HTTP/1.1, plain and over TLS): the 100 waits for the
// body's first read (src/core/continue-on-read.ts says why).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { continueOnFirstRead } from '../core/continue-on-read.js';

/** node:http's 'checkContinue' handler: `handler` serves the request, the 100 waits for the first read. */
export function checkContinue(handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    continueOnFirstRead(req, () => {
      if (!res.headersSent && !res.destroyed) res.writeContinue();
    });
    handler(req, res);
  };
}
