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
// Fed by the one 'close' listener each stream has (./session-tracker.ts via ./serve-stream.ts): a
// per-stream listener of its own cost ~2000 instructions per request (callgrind, /healthz: 153.7k -> 151.5k).

export interface ResetLimit {
  /** Streams a session may abandon in a burst. */
  readonly burst: number;
  /** Refill of the burst, streams per second. */
  readonly perSecond: number;
}

/** One session's token bucket of abandoned streams. */
export class ResetBucket {
  #tokens: number;
  #last = performance.now();
  readonly #limit: ResetLimit;

  constructor(limit: ResetLimit) {
    this.#limit = limit;
    this.#tokens = limit.burst;
  }

  /** Takes a token for one abandoned stream; false once the session is over its limit. */
  take(): boolean {
    const now = performance.now();
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + ((now - this.#last) / 1000) * this.#limit.perSecond);
    this.#last = now;
    this.#tokens--;
    return this.#tokens >= 0;
  }
}
