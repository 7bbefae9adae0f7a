// One quiche connection: feeds it datagrams, and on each flush delivers stream events to the HTTP/3
// handler, reports writable streams, drains quiche's outgoing packets to the socket the client talks
// to, and computes the next deadline. Implements the QuicConnection the HTTP/3 layer sees.
import type { RemoteInfo } from 'node:dgram';
import type { QuicCloseInfo, QuicConnection, QuicConnectionHandler } from '../engine.js';
import { quiche, type QuicheConnection, type RecvInfo } from './binding.js';
import type { HeapEntry } from './deadline-heap.js';
import type { SendSlab } from './send-slab.js';
import { StreamReader } from './stream-reader.js';
import type { TableEntry } from './connection-table.js';
import type { UdpEndpoint } from './udp-endpoints.js';
import { WriteWaiters } from './write-waiters.js';

/** What a connection needs from its engine. */
export interface ConnectionHost {
  readonly scratch: Buffer;
  readonly slab: SendSlab;
  /** Schedules a flush of `conn` (setImmediate batching). */
  markDirty(conn: QuicheConn): void;
  /** The handshake completed: returns the HTTP/3 handler. */
  established(conn: QuicheConn): QuicConnectionHandler;
  /** The connection entered closing/draining/closed (reported once). */
  closed(conn: QuicheConn, info: QuicCloseInfo): void;
  /** A limit closed the connection. */
  limitExceeded(limit: 'handshake_timeout' | 'inbound_overhead'): void;
}

/** RFC 9000 §20.1 transport error codes used here. */
const TRANSPORT_NO_ERROR = 0x0;
const TRANSPORT_INTERNAL_ERROR = 0x1;
const TRANSPORT_CONNECTION_REFUSED = 0x2;
const TRANSPORT_PROTOCOL_VIOLATION = 0xa;

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

/**
 * Inbound bytes a peer may send beyond its stream payload: a fixed allowance plus shares of the traffic,
 * because ACKs grow with what we send (~1 ACK of ~50 bytes per 2 packets) and packet headers with what
 * they send.
 */
const OVERHEAD_PER_SENT_BYTE = 0.1;
const OVERHEAD_PER_RECEIVED_STREAM_BYTE = 0.25;

export class QuicheConn implements QuicConnection, HeapEntry, TableEntry {
  deadline = Infinity;
  heapIndex = -1;
  /** Deadline computed by the last flush, for the engine to put in its heap. */
  nextDeadline = Infinity;
  readonly keys: string[] = [];
  remoteAddress: string;
  remotePort: number;
  serverName = '';
  /** The flush in progress: API calls made from handler callbacks need no new flush. */
  flushing = false;
  isEstablished = false;
  /** Removed from the engine's table (set by the engine). */
  retired = false;
  private handler: QuicConnectionHandler | null = null;
  /** close() was called (by the handler or a limit): no stream events from now on, only onClosed. */
  private closing = false;
  private closeReported = false;
  private recvInfo: RecvInfo;
  private readonly reader: StreamReader;
  private readonly writer: WriteWaiters;
  private nextUni = 3;
  /** Datagram bytes fed to quiche (unauthenticated) and sent, for the inbound overhead bound. */
  private rxBytes = 0;
  private txBytes = 0;

  constructor(
    private readonly host: ConnectionHost,
    readonly q: QuicheConnection,
    private endpoint: UdpEndpoint,
    rinfo: RemoteInfo,
    /** performance.now() after which an unestablished connection is closed. */
    readonly handshakeDeadline: number,
    /** Client's original DCID key, dropped from the table once established; '' with Retry. */
    readonly odcidKey: string,
    private readonly overheadLimit: number,
  ) {
    this.remoteAddress = rinfo.address;
    this.remotePort = rinfo.port;
    this.recvInfo = { from: { host: rinfo.address, port: rinfo.port }, to: endpoint.local };
    this.reader = new StreamReader(q, host.scratch);
    this.writer = new WriteWaiters(q);
  }

  // ---- QuicConnection (called by the HTTP/3 layer) ----

  streamSend(id: number, data: Uint8Array, fin: boolean): number {
    if (this.closing || this.closeReported) return -1;
    const n = this.writer.send(id, data, fin);
    this.host.markDirty(this);
    return n;
  }

  streamShutdown(id: number, direction: 'read' | 'write', appCode: number): void {
    if (this.closeReported) return;
    try {
      this.q.streamShutdown(id, direction === 'read' ? quiche.Shutdown.Read : quiche.Shutdown.Write, appCode);
    } catch {
      // stream already finished or unknown: nothing to shut down
    }
    if (direction === 'read') this.reader.forget(id);
    else this.writer.forget(id);
    this.host.markDirty(this);
  }

  streamResumeRead(id: number): void {
    if (this.reader.resume(id)) this.host.markDirty(this);
  }

  // quiche forgets a stream once both sides are complete, our side meaning every byte and the FIN
  // acknowledged; streamCapacity() then throws InvalidStreamState, as it throws StreamStopped for a
  // stopped stream. Either way nothing is left to deliver on it.
  streamSettled(id: number): boolean {
    if (this.closeReported) return true;
    try {
      this.q.streamCapacity(id);
      return false;
    } catch {
      return true;
    }
  }

  openUniStream(): number {
    if (this.closeReported || this.q.peerStreamsLeftUni() <= 0) return -1;
    const id = this.nextUni;
    this.nextUni += 4;
    return id;
  }

  ping(): void {
    if (this.closing || this.closeReported) return;
    try {
      this.q.sendAckEliciting();
    } catch {
      // quiche refuses only when the connection is closing: nothing to wake then
    }
    this.host.markDirty(this);
  }

  close(appCode: number, reason = ''): void {
    this.closeWith(true, appCode, reason);
  }

  // ---- driven by the engine ----

  /** Feeds one datagram to quiche (decrypted and processed synchronously). */
  receive(msg: Buffer, rinfo: RemoteInfo, endpoint: UdpEndpoint): void {
    if (rinfo.port !== this.remotePort || rinfo.address !== this.remoteAddress || endpoint !== this.endpoint) {
      // NAT rebinding (or a packet on another of our addresses): quiche validates the new path itself.
      this.remoteAddress = rinfo.address;
      this.remotePort = rinfo.port;
      this.endpoint = endpoint;
      this.recvInfo = { from: { host: rinfo.address, port: rinfo.port }, to: endpoint.local };
    }
    this.rxBytes += msg.length;
    try {
      this.q.recv(msg, this.recvInfo);
    } catch {
      // Undecryptable or invalid packet (quiche drops it), or a fatal error after which the flush finds the connection closed.
    }
  }

  /** Timer expiry: the handshake deadline, or quiche's own timers (loss detection, idle, draining). */
  expire(now: number): void {
    if (!this.isEstablished && now >= this.handshakeDeadline && !this.closeReported) {
      this.closeWith(false, TRANSPORT_CONNECTION_REFUSED, 'handshake timeout');
      this.host.limitExceeded('handshake_timeout');
    } else this.q.onTimeout();
  }

  /** Delivers events, sends what quiche has, and updates `deadline`. Returns true once quiche is closed. */
  flush(now: number): boolean {
    this.flushing = true;
    try {
      if (!this.isEstablished && this.q.isEstablished()) this.becomeEstablished();
      const h = this.handler;
      if (h !== null && !this.closing && !this.closeReported && this.withinOverhead()) {
        this.reader.readAll(h);
        if (this.writer.pending) this.writer.notify(h);
      }
      this.drainSend();
      return this.checkClosed(now);
    } finally {
      this.flushing = false;
    }
  }

  /** Closes after a handler threw, so a bug costs one connection and not the engine. */
  abort(): void {
    this.closeWith(false, TRANSPORT_INTERNAL_ERROR, 'internal error');
    this.drainSend();
  }

  /** Engine shutdown: CONNECTION_CLOSE now, report, no draining period. */
  closeNow(): void {
    this.closeWith(false, TRANSPORT_NO_ERROR, '');
    this.drainSend();
    this.reportClosed();
  }

  private closeWith(app: boolean, code: number, reason: string): void {
    this.closing = true;
    try {
      this.q.close(app, code, reason === '' ? EMPTY : encoder.encode(reason));
    } catch {
      // already closing
    }
    this.host.markDirty(this);
  }

  private becomeEstablished(): void {
    this.isEstablished = true;
    this.serverName = this.q.serverName() ?? '';
    this.handler = this.host.established(this);
  }

  /**
   * The peer's authenticated non-stream bytes must stay within budget (docs/quiche-security.md: quiche
   * 0.18 queues CRYPTO data, PATH_RESPONSEs and RETIRE_CONNECTION_IDs without bound). The raw datagram
   * count is a cheap over-estimate; only when it exceeds the budget is quiche's authenticated count
   * (stats(), costly) consulted, so injected garbage cannot get a connection closed.
   */
  private withinOverhead(): boolean {
    const streamBytes = this.reader.bytes;
    const budget = this.overheadLimit + this.txBytes * OVERHEAD_PER_SENT_BYTE + streamBytes * OVERHEAD_PER_RECEIVED_STREAM_BYTE;
    if (this.rxBytes - streamBytes <= budget) return true;
    this.rxBytes = this.q.stats().recvBytes;
    if (this.rxBytes - streamBytes <= budget) return true;
    this.closeWith(false, TRANSPORT_PROTOCOL_VIOLATION, 'excessive non-stream data');
    this.host.limitExceeded('inbound_overhead');
    return false;
  }

  private drainSend(): void {
    const { q, host } = this;
    const slab = host.slab;
    const socket = this.endpoint.socket;
    for (;;) {
      const out = slab.region();
      let r;
      try {
        r = q.send(out);
      } catch {
        return; // fatal connection error: checkClosed() will see it
      }
      if (r === null) return;
      const n = r[0];
      const to = r[1].to;
      socket.send(out, 0, n, to.port, to.host);
      slab.commit(n);
      this.txBytes += n;
    }
  }

  private checkClosed(now: number): boolean {
    const q = this.q;
    const closed = q.isClosed();
    if (!this.closeReported && (closed || q.isDraining())) this.reportClosed();
    if (closed) return true;
    const t = q.timeout();
    // timeout() is whole milliseconds, truncated: +1 keeps the timer from firing just before quiche's.
    let deadline = t === null ? Infinity : now + t + 1;
    if (!this.isEstablished && this.handshakeDeadline < deadline) deadline = this.handshakeDeadline;
    this.nextDeadline = deadline;
    return false;
  }

  private reportClosed(): void {
    if (this.closeReported) return;
    this.closeReported = true;
    this.host.closed(this, this.closeInfo());
  }

  private closeInfo(): QuicCloseInfo {
    const q = this.q;
    if (q.isTimedOut()) return { appError: false, code: TRANSPORT_NO_ERROR, local: true, idleTimeout: true };
    const le = q.localError();
    if (le !== null) return { appError: le.isApp, code: le.errorCode, local: true, idleTimeout: false };
    const pe = q.peerError();
    if (pe !== null) return { appError: pe.isApp, code: pe.errorCode, local: false, idleTimeout: false };
    return { appError: false, code: TRANSPORT_NO_ERROR, local: true, idleTimeout: false };
  }

  /** The handler; null before the handshake completed. */
  get connectionHandler(): QuicConnectionHandler | null {
    return this.handler;
  }
}
