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
//
// And it probes the liveness of sessions with streams open (RFC 9113 §6.7 PING), because node does
// not always notice that a client has gone. A client that vanishes mid-download (curl -m 1 with a
// paced read: it closes its socket with data unread, so its kernel answers with a TCP reset) while
// a write of the server's is pending leaves the session stuck, on Node 20.20 and 24.21 alike (24.22
// closes such a session itself): node's http2 sees that write fail (ECONNRESET, in
// NODE_DEBUG_NATIVE=http2) and starts the next one, which never completes (TLSWrap does not call it
// back, as in nodejs/node#55804). No 'error' or 'close' ever comes; the stream, the session and the
// fd are held, and a drain waits for its deadline. node's idle timeout does not free them: its
// session.destroy() waits for that write as well, so the streams end but the session and its fd
// stay for good (measured). So a session with streams open that has written nothing for
// `pingTimeoutMs` is sent a PING; if no ACK comes and nothing is written for `pingTimeoutMs` more,
// its TLS socket is destroyed, which node does see: the session closes and its streams end with
// CANCEL. A live client answers the PING however long it keeps its flow-control windows closed
// (nghttp2 answers PINGs by itself), and one slowly reading a backlog keeps the bytes moving:
// neither is closed. A session that can no longer send a PING (node refuses to once the session is
// closing or destroyed) counts as not answering it.
import { constants, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { Waiters } from '../node-http/waiters.js';
import type { CutReason } from '../core/contract.js';
import { releaseIdleTimer } from './idle-timer.js';
import { ResetBucket, type ResetLimit } from './reset-limit.js';

type OnCut = (reason: CutReason, remoteAddress: string | undefined) => void;

const maxStreamId = 2 ** 31 - 1;
/** Longest wait for the PING ack before sending the second GOAWAY anyway. */
const secondPhaseMaxMs = 1000;

const ignore = (): void => {};

/**
 * What a new stream needs to know of its session; handed back to the tracker at the stream's start and
 * end (streamStarted, streamEnded), so that no stream looks its session up again.
 */
export interface SessionView {
  /** The client's address, read once: node's session socket is a Proxy, slow to read per stream. */
  readonly remote: string;
  /** Over the reset limit: GOAWAY sent, destroyed after the linger (overResetLimit). */
  readonly calmed: boolean;
}

class SessionState implements SessionView {
  readonly session: ServerHttp2Session;
  /** The session's TLS socket: node gives the session only a proxy of it, which refuses destroy(). */
  readonly socket: Socket | undefined;
  readonly remote: string;
  readonly resets: ResetBucket;
  calmed = false;
  /** Whether the tracker has reported this session cut (at most one reason per session). */
  cut = false;
  /** Streams started and not yet closed. */
  streams = 0;
  /** The socket's bytesWritten at the last probe; -1 before the first. */
  written = -1;
  /** When (performance.now()) the bytes were last seen moving or a PING was last answered. */
  movedAt = 0;
  /** When the unanswered PING was sent; 0: none is. */
  pingAt = 0;

  constructor(session: ServerHttp2Session, socket: Socket | undefined, resetLimit: ResetLimit) {
    this.session = session;
    this.socket = socket;
    this.remote = (socket ?? session.socket)?.remoteAddress ?? '';
    this.resets = new ResetBucket(resetLimit);
  }
}

export class SessionTracker {
  /** Every open session, with its client's address, its reset bucket and its liveness. */
  readonly #sessions = new Map<ServerHttp2Session, SessionState>();
  #inflight = 0;
  #deadline: number | undefined;
  readonly #done = new Waiters();
  readonly #resetLimit: ResetLimit;
  readonly #pingTimeoutMs: number;
  /** The liveness probe: one interval for all sessions, from the first session to destroyAll(). */
  #probe: NodeJS.Timeout | undefined;

  readonly #onCut: OnCut;

  /**
   * `pingTimeoutMs`: the silence before a PING, and the wait for its ACK (RWS_CONFIG_H2_PING_TIMEOUT_MS);
   * `onCut`: told once of each session this tracker closes on its own.
   */
  constructor(resetLimit: ResetLimit, pingTimeoutMs: number, onCut: OnCut) {
    this.#resetLimit = resetLimit;
    this.#pingTimeoutMs = pingTimeoutMs;
    this.#onCut = onCut;
  }

  /** `socket`: the TLS socket the session runs on; without it the session's liveness is not probed. */
  add(session: ServerHttp2Session, socket: Socket | undefined): SessionView {
    const state = new SessionState(session, socket, this.#resetLimit);
    this.#sessions.set(session, state);
    session.once('close', () => {
      releaseIdleTimer(session);
      this.#sessions.delete(session);
      this.#check();
    });
    if (this.#deadline !== undefined) goawayTwoPhase(session, this.#deadline);
    // Every session is looked at each quarter of the timeout: a PING goes out after 1 to 1.25 timeouts
    // of silence, and an unanswered one is acted on 1 to 1.25 timeouts later.
    this.#probe ??= setInterval(() => this.#probeAll(), this.#pingTimeoutMs / 4).unref();
    return state;
  }

  /** The state of a stream's session, which its streamStarted() and streamEnded() are given. */
  stateOf(session: ServerHttp2Session): SessionView {
    // node emits 'session' before any of the session's streams, so it is known here; were it not, it
    // would be tracked from now on (without its socket: unprobed).
    return this.#sessions.get(session) ?? this.add(session, undefined);
  }

  streamStarted(view: SessionView): void {
    this.#inflight++;
    (view as SessionState).streams++;
  }

  /** At the stream's 'close': `rstCode` is the stream's RST_STREAM code, whoever sent it. */
  streamEnded(view: SessionView, rstCode: number | undefined): void {
    const state = view as SessionState;
    this.#inflight--;
    state.streams--;
    if (rstCode !== undefined && rstCode !== constants.NGHTTP2_NO_ERROR && !state.calmed && !state.resets.take()) {
      state.calmed = true;
      this.#cut(state, 'reset_limit');
      overResetLimit(state.session);
    }
    this.#check();
  }

  /** A session node closed for `reason`: told to onCut, once. */
  cut(session: ServerHttp2Session, reason: CutReason): void {
    const state = this.#sessions.get(session);
    if (state !== undefined) this.#cut(state, reason);
  }

  #cut(state: SessionState, reason: CutReason): void {
    if (state.cut) return;
    state.cut = true;
    this.#onCut(reason, state.socket?.remoteAddress);
  }

  /** A stream answered at once, outside the core (a refusal): tracked from here to its 'close'. */
  track(stream: ServerHttp2Stream, view: SessionView): void {
    stream.on('error', ignore);
    this.streamStarted(view);
    stream.on('close', () => this.streamEnded(view, stream.rstCode));
  }

  /**
   * Refuses a stream of a session over its reset limit, unseen by the core. node reports a read's
   * streams to JavaScript only after nghttp2 has taken the whole read, so when the limit fires the rest
   * of that read still comes: ~150 more streams reached the core after a stalled server read a backlog
   * (test/exhaustion/h2-rapid-reset). REFUSED_STREAM: not processed, may be retried (RFC 9113 §8.7).
   */
  refuse(stream: ServerHttp2Stream, view: SessionView): void {
    this.track(stream, view);
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

  /** Destroys every session (RST_STREAM/GOAWAY with `code`) and stops the probe; returns how many streams were cut. */
  destroyAll(code: number): number {
    clearInterval(this.#probe);
    const cut = this.#inflight;
    for (const s of this.#sessions.keys()) s.destroy(undefined, code);
    return cut;
  }

  /** The liveness probe (top of this file), every quarter of the timeout: no work per request. */
  #probeAll(): void {
    const now = performance.now();
    const timeout = this.#pingTimeoutMs;
    for (const state of this.#sessions.values()) {
      const socket = state.socket;
      // An idle session is left to the idle timeout. A destroyed one still here may be waiting for a
      // write that never completes: it is probed, and closed, as a busy one is.
      if (socket === undefined || (state.streams === 0 && !state.session.destroyed)) {
        state.movedAt = now;
        state.pingAt = 0;
        continue;
      }
      const written = socket.bytesWritten;
      if (written !== state.written) {
        state.written = written;
        state.movedAt = now;
      } else if (state.pingAt === 0) {
        if (now - state.movedAt >= timeout) ping(state, now);
      } else if (now - state.pingAt >= timeout && now - state.movedAt >= timeout) {
        this.#cut(state, 'unresponsive');
        socket.destroy();
      }
    }
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

function ping(state: SessionState, now: number): void {
  state.pingAt = now;
  try {
    state.session.ping((err) => {
      if (err !== null) return; // not sent (the session is closing) or cancelled (destroyed): no answer
      state.pingAt = 0;
      state.movedAt = performance.now();
    });
  } catch {
    // destroyed: no PING can be sent, so none is answered
  }
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
