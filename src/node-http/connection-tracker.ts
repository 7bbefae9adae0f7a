// Tracks the TCP connections of a node:http-style server (plain HTTP/1.1, or HTTP/1.1 over TLS) and the
// responses in flight on each, so a drain can tell every client the connection is going away and close
// each connection as soon as it has nothing left to send.
//
// Why not just node's server.close(): on Node 20 it stops accepting and closes keep-alive sockets that
// are idle *at that moment*, but a response whose headers are written later still says
// `Connection: keep-alive`, its socket stays open afterwards, and a socket that has not sent its first
// request yet is left open too (measured on 20.x; docs/drain.md). This tracker closes all of those.
//
// It also closes the responses a connection leaves behind when it closes. node answers pipelined
// requests in order: a response behind the one being written waits in node's queue, without a socket.
// When the connection closes (the client leaves, or ./pipeline-gate.ts closes it), Node 24 destroys the
// queued responses, so each emits 'close'; Node 20 destroys only their requests, and the responses never
// close. Their exchanges (./serve-exchange.ts ends one on its response's 'close') then never ended:
// http_active_requests and the in-flight count kept them forever (a drain waited its whole timeout), and
// the file streams piped into them stayed open (measured on 20.20: 31 of 33 per gated connection).
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Waiters } from './waiters.js';

/**
 * How long a connection that has not sent its first request yet may still send one once the drain began.
 * It connected before the listener closed, so its request is on the way (a TLS handshake just finished,
 * or the request is in flight); it is answered with `Connection: close`. A preconnected socket that never
 * sends anything is closed after this.
 */
const firstRequestGraceMs = 500;

/**
 * How long a connection stays open after its last response when that response was already under way,
 * headers saying keep-alive, when the drain began. Its last bytes may still be on their way to the
 * client's reader, and undici (node's fetch; 7.30 and 8.13) fails a body it is still reading slowly
 * when the FIN arrives: "other side closed", the last 64 KiB lost (4 of 8 paced 64 MiB downloads here
 * with an immediate close, 1 of 8 with 250 ms, none of 16 with 500 ms or of 8 with 1 s). 500 ms keeps
 * the exit within ~400 ms of the client's last byte (the drain target is 500 ms). A client that closes
 * first, or sends another request (answered with `Connection: close`), ends the wait sooner.
 */
const keepAliveLingerMs = 500;

/**
 * One connection's state. Counts rather than a set of responses: node:http finishes a connection's
 * responses in request order (a pipelined response is queued behind the one before it), so the newest
 * unanswered response is the newest started, and a Set added to and emptied on every request showed in
 * instruction counts (its growth and shrink allocate).
 */
interface Conn {
  /** Exchanges started and not yet ended (more than one only when pipelined). */
  open: number;
  /** The newest exchange's response, while open > 0. */
  newest: ServerResponse | undefined;
  /** Whether a request has arrived on it yet. */
  used: boolean;
  /** While draining: the response that will carry `Connection: close`, and its keep-alive before that. */
  marked: { res: ServerResponse; keepAlive: boolean } | undefined;
  /**
   * The open exchanges' responses that node queued behind another (pipelined; created when first
   * needed): closed by closeAbandoned if the connection closes before they are written.
   */
  queued: ServerResponse[] | undefined;
}

export class ConnectionTracker {
  readonly #conns = new Map<Socket, Conn>();
  #inflight = 0;
  #draining = false;
  readonly #done = new Waiters();

  add(socket: Socket): void {
    const conn: Conn = { open: 0, newest: undefined, used: false, marked: undefined, queued: undefined };
    this.#conns.set(socket, conn);
    socket.once('close', () => {
      this.#conns.delete(socket);
      if (conn.queued !== undefined) for (const res of conn.queued) closeAbandoned(res);
      this.#check();
    });
    // A connection whose TLS handshake completes after the drain began.
    if (this.#draining) this.#closeUnlessUsedSoon(socket, conn);
  }

  requestStarted(socket: Socket, res: ServerResponse): void {
    this.#inflight++;
    const conn = this.#conns.get(socket);
    if (conn === undefined) return;
    conn.used = true;
    conn.open++;
    conn.newest = res;
    // node gives a response the socket at once unless another is being written on it.
    if (res.socket === null) (conn.queued ??= []).push(res);
    // A request that arrives while draining (pipelined, or already on the wire) is answered, and its
    // response says the connection closes after it (RFC 9112 §9.6).
    if (this.#draining) this.#closeAfterLast(conn);
  }

  requestEnded(socket: Socket, res: ServerResponse): void {
    this.#inflight--;
    const conn = this.#conns.get(socket);
    if (conn?.queued !== undefined) {
      // Exchanges end in request order, nearly always: the oldest is first.
      const i = conn.queued.indexOf(res);
      if (i !== -1) conn.queued.splice(i, 1);
    }
    if (conn !== undefined && --conn.open === 0) {
      conn.newest = undefined;
      // Its headers said keep-alive (written before the drain began): close once the response is out,
      // after keepAliveLingerMs. (A `Connection: close` response is closed by node itself.)
      if (this.#draining) {
        if (res.shouldKeepAlive) this.#closeLater(socket, keepAliveLingerMs, () => conn.open === 0);
        else socket.destroySoon();
      }
    }
    this.#check();
  }

  /** Requests on `socket` whose exchange has not ended yet. */
  unanswered(socket: Socket): number {
    return this.#conns.get(socket)?.open ?? 0;
  }

  get inflight(): number {
    return this.#inflight;
  }

  get connections(): number {
    return this.#conns.size;
  }

  /**
   * Closes idle keep-alive connections now, and connections that have not sent a request yet unless one
   * comes within firstRequestGraceMs; in-flight responses whose headers are not written yet will carry
   * `Connection: close` (node then closes the socket after them); the rest close after their response.
   */
  startDrain(): void {
    this.#draining = true;
    for (const [socket, conn] of this.#conns) {
      if (!conn.used) this.#closeUnlessUsedSoon(socket, conn);
      else if (conn.open === 0) socket.destroySoon();
      else this.#closeAfterLast(conn);
    }
  }

  /** Resolves once no request is in flight and every connection has closed, or at the deadline (ms since epoch). */
  idle(deadline: number): Promise<void> {
    return this.#done.wait(() => this.#isDone(), deadline);
  }

  /** Destroys every connection; returns how many requests were still in flight. */
  destroyAll(): number {
    const cut = this.#inflight;
    for (const socket of this.#conns.keys()) socket.destroy();
    return cut;
  }

  #closeUnlessUsedSoon(socket: Socket, conn: Conn): void {
    this.#closeLater(socket, firstRequestGraceMs, () => !conn.used);
  }

  /** Closes `socket` after `ms` if `still()` says so then (a request in flight closes it when it ends). */
  #closeLater(socket: Socket, ms: number, still: () => boolean): void {
    const timer = setTimeout(() => {
      if (still()) socket.destroySoon();
    }, ms);
    socket.once('close', () => clearTimeout(timer));
  }

  /**
   * Puts `Connection: close` on the newest response of a connection only. node answers pipelined
   * requests concurrently and closes the socket after a `close` response, so marking an earlier one
   * would drop the requests behind it; a mark moves to a newer request when one arrives.
   */
  #closeAfterLast(conn: Conn): void {
    const last = conn.newest;
    if (last === undefined) return;
    const prev = conn.marked;
    if (prev !== undefined && prev.res !== last && !prev.res.headersSent) prev.res.shouldKeepAlive = prev.keepAlive;
    if (last.headersSent) return;
    if (prev?.res !== last) conn.marked = { res: last, keepAlive: last.shouldKeepAlive };
    last.shouldKeepAlive = false;
  }

  #isDone(): boolean {
    return this.#inflight === 0 && this.#conns.size === 0;
  }

  #check(): void {
    if (this.#isDone()) this.#done.release();
  }
}

/**
 * Closes a response left in node's queue by its closed connection, as Node 24 does (its socketOnClose
 * destroys state.outgoing): destroyed, then 'close' once. On Node 24 destroy() emits that 'close' on the
 * next tick (node's or this call, whichever came first), before the one queued here, which then does
 * nothing; on Node 20 destroy() only marks it destroyed, and the 'close' is emitted here. A response
 * that reached the socket has node's own close (onServerResponseClose), or has closed already.
 */
function closeAbandoned(res: ServerResponse): void {
  if (res.socket !== null || res.closed) return;
  res.destroy();
  process.nextTick(() => {
    if (!res.closed) res.emit('close');
  });
}
