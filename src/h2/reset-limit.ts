// Rapid reset (CVE-2023-44487): a client opens a stream and resets it at once, in a loop. Each stream
// still costs the server a request dispatch, while the client never waits for an answer or holds a
// stream slot. The nghttp2 in Node 20 stops the loop only after 1000 resets, with a GOAWAY that leaves
// the connection open (measured, test/exhaustion/h2-rapid-reset.test.ts), and Node 20 cannot tune it
// (Node 24's streamResetBurst/streamResetRate can). So each session gets a token bucket of streams the
// client may abandon: `burst` at once, refilled at `perSecond`; beyond it the session is closed with
// GOAWAY ENHANCE_YOUR_CALM (RFC 9113 §7) and the client has to pay a new TLS handshake.
//
// A stream counts when it ends with an RST_STREAM carrying an error code (stream.rstCode), whoever sent
// it. Counting node's 'aborted' instead misses the attack once the server answers from its caches: the
// response is already ended when the RST_STREAM arrives, yet the request was dispatched (measured).
// Our own resets (an origin cut off mid-body) count too; only a session that sees hundreds of them
// within seconds is closed. A browser cancelling a few downloads stays far below any sensible burst.
import { constants, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';

export interface ResetLimit {
  /** Streams a session may abandon in a burst. */
  readonly burst: number;
  /** Refill of the burst, streams per second. */
  readonly perSecond: number;
}

export function limitResets(session: ServerHttp2Session, limit: ResetLimit): void {
  let tokens = limit.burst;
  let last = performance.now();
  const onReset = (): void => {
    const now = performance.now();
    tokens = Math.min(limit.burst, tokens + ((now - last) / 1000) * limit.perSecond);
    last = now;
    tokens--;
    // With an error, destroy() sends that code in its GOAWAY; the error itself ends up in the server's
    // 'sessionError', which the listener ignores.
    if (tokens < 0 && !session.destroyed) session.destroy(new Error('HTTP/2 stream reset rate exceeded'), constants.NGHTTP2_ENHANCE_YOUR_CALM);
  };
  session.on('stream', (stream: ServerHttp2Stream) =>
    stream.on('close', () => {
      if (stream.rstCode !== undefined && stream.rstCode !== constants.NGHTTP2_NO_ERROR) onReset();
    }),
  );
}
