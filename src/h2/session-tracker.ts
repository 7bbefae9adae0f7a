// HTTP/2 sessions and their in-flight streams, for draining. The drain is the two-phase GOAWAY of
// RFC 9113 §6.8 (as Envoy and h2o do): first GOAWAY with the largest stream id (2^31-1) so the client
// stops opening streams, then, one round trip later (a PING ack proves the client has read the first),
// GOAWAY with the last stream id actually processed; node closes the session once its streams are done.
//
// What node's nghttp2 does between the phases (measured on Node 20, docs/drain.md): node exposes no
// shutdown notice, so the first GOAWAY is an ordinary one and nghttp2 silently ignores any stream the
// client opened before reading it. The second GOAWAY then carries a last stream id below those streams,
// which tells the client they were never processed and may be retried elsewhere (§6.8). So no request
// is lost, and none started before the first GOAWAY is cut; the streams in between are refused, not run.
//
// The tracker also keeps each session's rapid-reset bucket (./reset-limit.ts): the stream's end it is
// told of carries the stream's RST_STREAM code.
import { constants, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import { Waiters } from '../node-http/waiters.js';
import { ResetBucket, type ResetLimit } from './reset-limit.js';

const maxStreamId = 2 ** 31 - 1;
/** Longest wait for the PING ack before sending the second GOAWAY anyway. */
const secondPhaseMaxMs = 1000;

const ignore = (): void => {};

/** What a new stream needs to know of its session. */
export interface SessionView {
  /** The client's address, read once: node's session socket is a Proxy, slow to read per stream. */
  readonly remote: string;
  /** Over the reset limit: GOAWAY sent, destroyed after the linger (overResetLimit). */
  readonly calmed: boolean;
}

interface SessionState extends SessionView {
  readonly resets: ResetBucket;
  calmed: boolean;
}

const unknownSession: SessionView = { remote: '', calmed: false };

export class SessionTracker {
  /** Every open session, with its client's address and its reset bucket. */
  readonly #sessions = new Map<ServerHttp2Session, SessionState>();
  #inflight = 0;
  #deadline: number | undefined;
  readonly #done = new Waiters();
  readonly #resetLimit: ResetLimit;

  constructor(resetLimit: ResetLimit) {
    this.#resetLimit = resetLimit;
  }

  add(session: ServerHttp2Session): void {
    this.#sessions.set(session, { remote: session.socket?.remoteAddress ?? '', resets: new ResetBucket(this.#resetLimit), calmed: false });
    session.once('close', () => {
      this.#sessions.delete(session);
      this.#check();
    });
    if (this.#deadline !== undefined) goawayTwoPhase(session, this.#deadline);
  }

  stateOf(session: ServerHttp2Session): SessionView {
    return this.#sessions.get(session) ?? unknownSession;
  }

  streamStarted(): void {
    this.#inflight++;
  }

  /** At the stream's 'close': `rstCode` is the stream's RST_STREAM code, whoever sent it. */
  streamEnded(session: ServerHttp2Session, rstCode: number | undefined): void {
    this.#inflight--;
    if (rstCode !== undefined && rstCode !== constants.NGHTTP2_NO_ERROR) {
      const state = this.#sessions.get(session);
      if (state !== undefined && !state.calmed && !state.resets.take()) {
        state.calmed = true;
        overResetLimit(session);
      }
    }
    this.#check();
  }

  /** A stream answered at once, outside the core (a refusal): tracked from here to its 'close'. */
  track(stream: ServerHttp2Stream): void {
    const session = stream.session as ServerHttp2Session;
    stream.on('error', ignore);
    this.streamStarted();
    stream.on('close', () => this.streamEnded(session, stream.rstCode));
  }

  /**
   * Refuses a stream of a session over its reset limit, unseen by the core. node reports a read's
   * streams to JavaScript only after nghttp2 has taken the whole read, so when the limit fires the rest
   * of that read still comes: ~150 more streams reached the core after a stalled server read a backlog
   * (test/exhaustion/h2-rapid-reset). REFUSED_STREAM: not processed, may be retried (RFC 9113 §8.7).
   */
  refuse(stream: ServerHttp2Stream): void {
    this.track(stream);
    stream.close(constants.NGHTTP2_REFUSED_STREAM);
  }

  get inflight(): number {
    return this.#inflight;
  }

  get sessions(): number {
    return this.#sessions.size;
  }

  startDrain(deadline: number): void {
    this.#deadline = deadline;
    // A session over its reset limit already has its GOAWAY (a later one may not raise the last stream
    // id, RFC 9113 §6.8) and is destroyed within the linger.
    for (const [s, state] of this.#sessions) if (!state.calmed) goawayTwoPhase(s, deadline);
  }

  /** Resolves once no stream is in flight and every session has closed, or at the deadline (ms since epoch). */
  idle(deadline: number): Promise<void> {
    return this.#done.wait(() => this.#isDone(), deadline);
  }

  /** Destroys every session (RST_STREAM/GOAWAY with `code`); returns how many streams were cut. */
  destroyAll(code: number): number {
    const cut = this.#inflight;
    for (const s of this.#sessions.keys()) s.destroy(undefined, code);
    return cut;
  }

  #isDone(): boolean {
    return this.#inflight === 0 && this.#sessions.size === 0;
  }

  #check(): void {
    if (this.#isDone()) this.#done.release();
  }
}

// GOAWAY ENHANCE_YOUR_CALM with the last stream nghttp2 processed (node's default id 0 asks for it),
// then the session is destroyed a second later: a lingering close, as nginx does for HTTP/2. A client
// over the limit is usually still writing, and closing its socket at once with its frames unread makes
// the kernel send a TCP reset, which can discard the GOAWAY before the client reads it (seen on Node 24
// in test/exhaustion/h2-rapid-reset). Meanwhile nghttp2 ignores every stream the client opens (its id
// is above the GOAWAY's), so nothing more is dispatched. The error ends up in the server's
// 'sessionError', which the listener ignores.
const resetLingerMs = 1000;

function overResetLimit(session: ServerHttp2Session): void {
  if (session.destroyed) return;
  session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM);
  setTimeout(() => session.destroyed || session.destroy(new Error('HTTP/2 stream reset rate exceeded'), constants.NGHTTP2_ENHANCE_YOUR_CALM), resetLingerMs).unref();
}

function goawayTwoPhase(session: ServerHttp2Session, deadline: number): void {
  if (session.closed || session.destroyed) return;
  session.goaway(constants.NGHTTP2_NO_ERROR, maxStreamId);
  let done = false;
  // session.close() sends GOAWAY with nghttp2's last processed stream id, refuses new streams, and
  // destroys the session when its open streams have ended.
  const second = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (!session.closed && !session.destroyed) session.close();
  };
  const timer = setTimeout(second, Math.max(0, Math.min(secondPhaseMaxMs, deadline - Date.now())));
  // ping() returns false (and never calls back) when too many pings are outstanding; the timer covers it.
  session.ping(second);
}
