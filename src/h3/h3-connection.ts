// One HTTP/3 connection (RFC 9114) over an established QUIC connection: our control stream with
// SETTINGS, the peer's control and QPACK streams (critical streams, §6.2.1), request streams, and the
// GOAWAY drain (§5.2). Depends only on the QuicConnection interface, never on quiche.
import type { Core } from '../core/contract.js';
import type { QuicCloseInfo, QuicConnection, QuicConnectionHandler } from './quic/engine.js';
import { PeerUniStream, type PeerUniStreamContext } from './peer-uni-stream.js';
import { LiteralCache } from './qpack/literal-cache.js';
import { RequestStream, type RequestStreamContext } from './request-stream.js';
import { H3Code } from './wire/error-codes.js';
import { SettingId, StreamType } from './wire/frame-types.js';
import { encodeGoaway, encodeSettings, encodeStreamType } from './wire/frames.js';

// A graceful close checks this often whether the last responses have been acknowledged.
const SETTLE_POLL_MS = 20;
// Finished request streams are remembered this long as possibly unacknowledged, for a graceful close
// to wait on (see #closeGracefully). They are not asked about while the connection serves: quiche
// answers "settled" only by throwing, ~11-19 µs a time, which made that check the costliest call of a
// busy connection (14% of the CPU under h3load -c10 -m10, profiled). A response whose last bytes were
// handed to QUIC this long ago and are still unacknowledged belongs to a client that has all but stopped
// reading; the close does not wait for it.
const SETTLE_HORIZON_MS = 10_000;
// ...and at most this many of them, the newest. A drain asks about each (quiche answers by throwing,
// ~15 µs), and at ~800 requests per second per connection the horizon alone held ~8000, ~0.1 s of
// blocked event loop per busy connection (a profile of h3load -c10 -m10, then SIGTERM, had 0.34 s of
// CPU in these calls). A response is finished when its last bytes are
// handed to QUIC, which stream flow control no longer holds back; one still unacknowledged after this
// many later responses on its connection have finished is an outlier the close need not wait for.
const MAX_UNSETTLED = 1024;
// Once a draining connection's responses are all acknowledged, the client gets up to this long to close
// the connection itself (RFC 9114 §5.2 lets the server leave it idle rather than close at once); then the
// server closes with H3_NO_ERROR. Acknowledged is not read: a client that paces its reads (curl
// --limit-rate) may still hold the last bytes in its QUIC stack. Debian's curl 7.88 then waits for a
// packet to arrive before it reads them; when that packet was our CONNECTION_CLOSE, sent right after its
// last ACK, it lost the tail and spun until killed (2 of 3 drains here), and it sometimes did so even
// when the close came 1 s later. So the linger also sends a PING every LINGER_PING_MS: curl wakes,
// reads, finishes and closes the connection itself (test/drain/paced-download.test.ts), ~30 ms after
// its last byte. A client that stays silent is closed after the linger, within the drain's 500 ms target.
const CLOSE_LINGER_MS = 500;
const LINGER_PING_MS = 100;

export interface H3ConnectionOptions {
  /** SETTINGS_MAX_FIELD_SECTION_SIZE we advertise and enforce (§4.2.2). */
  readonly maxFieldSectionSize: number;
  /** Connection closed with H3_NO_ERROR, or failed: the listener forgets it. */
  readonly onClosed: (c: H3Connection) => void;
  /** A request stream ended: lets the listener notice when a drain is complete. */
  readonly onIdle: (c: H3Connection) => void;
}

export class H3Connection implements QuicConnectionHandler, RequestStreamContext, PeerUniStreamContext {
  readonly core: Core;
  readonly conn: QuicConnection;
  readonly maxFieldSectionSize: number;
  readonly literals = new LiteralCache();
  readonly #opts: H3ConnectionOptions;
  readonly #requests = new Map<number, RequestStream>();
  readonly #uni = new Map<number, PeerUniStream>();
  readonly #criticalSeen = new Set<number>();
  #controlStream = -1;
  /** One past the highest request stream id received: what a GOAWAY must carry (§5.2). */
  #nextRequestId = 0;
  readonly #gaps = new Set<number>();
  /** Request streams with an id at or above this are refused (our GOAWAY, §5.2); Infinity until then. */
  #goawayId = Infinity;
  /** Finished request streams whose response may not be acknowledged yet (see #closeGracefully). */
  /** Finished request streams by stream id → when they finished (ms), oldest first. */
  readonly #unsettled = new Map<number, number>();
  #settleTimer: NodeJS.Timeout | null = null;
  /** When the linger for the client to close first ends (ms since epoch); 0 before it began. */
  #lingerUntil = 0;
  #closed = false;

  constructor(core: Core, conn: QuicConnection, opts: H3ConnectionOptions) {
    this.core = core;
    this.conn = conn;
    this.maxFieldSectionSize = opts.maxFieldSectionSize;
    this.#opts = opts;
    core.connectionOpened('h3');
    this.#openControlStream();
  }

  get activeRequests(): number {
    return this.#requests.size;
  }

  // §6.2.1: each side opens one control stream whose first frame is SETTINGS. QPACK dynamic table
  // capacity 0 (RFC 9204 §5): the peer's encoder may then use only the static table and literals, so we
  // need neither encoder nor decoder streams (RFC 9204 §4.2 lets us skip opening them).
  #openControlStream(): void {
    const id = this.conn.openUniStream();
    if (id < 0) return this.connectionError(H3Code.H3_STREAM_CREATION_ERROR, 'no unidirectional stream credit');
    this.#controlStream = id;
    const settings = encodeSettings([
      [SettingId.QPACK_MAX_TABLE_CAPACITY, 0],
      [SettingId.QPACK_BLOCKED_STREAMS, 0],
      [SettingId.MAX_FIELD_SECTION_SIZE, this.maxFieldSectionSize],
    ]);
    this.conn.streamSend(id, concat(encodeStreamType(StreamType.CONTROL), settings), false);
  }

  onStreamData(id: number, data: Uint8Array, fin: boolean): boolean | void {
    if (this.#closed) return;
    if ((id & 0x3) === 0) return this.#requestData(id, data, fin);
    if ((id & 0x3) === 2) return this.#uniData(id, data, fin);
    // Server-initiated streams never carry peer data; quiche refuses that as a transport error.
  }

  #requestData(id: number, data: Uint8Array, fin: boolean): boolean {
    let stream = this.#requests.get(id);
    if (stream === undefined) {
      if (id >= this.#goawayId) {
        // §5.2: after GOAWAY, requests at or above its id are refused; the client may retry them elsewhere.
        this.conn.streamShutdown(id, 'read', H3Code.H3_REQUEST_REJECTED);
        this.conn.streamShutdown(id, 'write', H3Code.H3_REQUEST_REJECTED);
        return true;
      }
      if (!this.#firstSight(id)) return true; // a stream already finished: stray data after our STOP_SENDING
      stream = new RequestStream(this, id, Math.max(this.maxFieldSectionSize, 16 * 1024));
      this.#requests.set(id, stream);
    }
    return stream.onData(data, fin);
  }

  // Request streams open in id order but their first packets may arrive out of order; ids skipped over
  // are remembered as gaps (bounded by the stream limit) so a late one is still new, and an id below
  // the high-water mark that is not a gap belongs to a finished stream.
  #firstSight(id: number): boolean {
    if (id >= this.#nextRequestId) {
      for (let gap = this.#nextRequestId; gap < id; gap += 4) this.#gaps.add(gap);
      this.#nextRequestId = id + 4;
      return true;
    }
    return this.#gaps.delete(id);
  }

  #uniData(id: number, data: Uint8Array, fin: boolean): void {
    let stream = this.#uni.get(id);
    if (stream === undefined) {
      stream = new PeerUniStream(this, id);
      this.#uni.set(id, stream);
    }
    stream.onData(data, fin);
  }

  onStreamReset(id: number): void {
    if ((id & 0x3) === 2) return this.#uni.get(id)?.onReset();
    this.#requests.get(id)?.onReset();
  }

  onStreamStopped(id: number): void {
    if (id === this.#controlStream) return this.connectionError(H3Code.H3_CLOSED_CRITICAL_STREAM, 'peer stopped our control stream');
    this.#requests.get(id)?.onStopped();
  }

  onStreamWritable(id: number): void {
    this.#requests.get(id)?.onWritable();
  }

  onClosed(_info: QuicCloseInfo): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#settleTimer !== null) clearTimeout(this.#settleTimer);
    for (const s of [...this.#requests.values()]) s.abort();
    this.#requests.clear();
    this.core.connectionClosed('h3');
    this.#opts.onClosed(this);
  }

  // RequestStreamContext / PeerUniStreamContext
  ended(id: number): void {
    this.#requests.delete(id);
    const now = Date.now();
    this.#unsettled.set(id, now);
    for (const [old, at] of this.#unsettled) {
      if (now - at < SETTLE_HORIZON_MS && this.#unsettled.size <= MAX_UNSETTLED) break;
      this.#unsettled.delete(old);
    }
    if (this.#goawayId !== Infinity && this.#requests.size === 0) this.#closeGracefully();
    this.#opts.onIdle(this);
  }

  /** A critical stream type may be opened once per connection (§6.2.1, RFC 9204 §4.2). */
  claimCritical(type: number): boolean {
    if (this.#criticalSeen.has(type)) return false;
    this.#criticalSeen.add(type);
    return true;
  }

  connectionError(code: number, reason: string): void {
    if (this.#closed) return;
    this.conn.close(code, reason.slice(0, 100));
  }

  /**
   * Drain (§5.2): GOAWAY carrying the first request stream id we will not process — one past the
   * highest we have seen — so in-flight requests finish and later ones are refused and retryable.
   * The connection closes with H3_NO_ERROR once its requests are done.
   */
  goaway(): void {
    if (this.#closed || this.#goawayId !== Infinity) return;
    const next = this.#nextRequestId;
    this.#goawayId = next;
    if (this.#controlStream >= 0) this.conn.streamSend(this.#controlStream, encodeGoaway(next), false);
    if (this.#requests.size === 0) this.#closeGracefully();
  }

  // §5.2 lets the server close once the accepted requests are processed; but CONNECTION_CLOSE makes
  // QUIC drop whatever stream data is not yet acknowledged, and a response counts as finished when
  // its last bytes are handed to QUIC, not when they arrive. Closing at once cut the end off the last
  // responses (the rolling-update drain test lost a 2 s response and the tail of a download). So the
  // close waits until every finished response has settled; the client closing first, or the
  // listener's drain deadline, ends the wait as well.
  // Then it lingers (CLOSE_LINGER_MS, pinging) for the client to close first.
  #closeGracefully(): void {
    if (this.#closed || this.#settleTimer !== null) return;
    this.#sweepSettled();
    if (this.#unsettled.size === 0) {
      if (this.#lingerUntil === 0) this.#lingerUntil = Date.now() + CLOSE_LINGER_MS;
      else if (Date.now() >= this.#lingerUntil) return this.conn.close(H3Code.H3_NO_ERROR, 'server shutting down');
      this.conn.ping();
      this.#settleTimer = setTimeout(() => {
        this.#settleTimer = null;
        // A late request that arrived meanwhile restarts this when it ends.
        if (this.#requests.size === 0) this.#closeGracefully();
      }, Math.min(LINGER_PING_MS, this.#lingerUntil - Date.now()));
      return;
    }
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      // A late request (a lower stream id that arrived after the GOAWAY) restarts this when it ends.
      if (this.#requests.size === 0) this.#closeGracefully();
    }, SETTLE_POLL_MS);
  }

  // Oldest first, stopping at the first stream still unsettled: the close waits for that one anyway, so
  // a poll costs one check per newly settled stream plus one, not one per remembered stream (a client
  // that vanished without acknowledging would otherwise cost ~15 ms per connection every poll).
  #sweepSettled(): void {
    for (const id of this.#unsettled.keys()) {
      if (!this.conn.streamSettled(id)) return;
      this.#unsettled.delete(id);
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
