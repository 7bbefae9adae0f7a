// The QUIC listener interface the HTTP/3 layer depends on, and nothing else (like quic-go's
// quic.Listener / quic.Connection split): HTTP/3 never touches a QUIC implementation directly, so the
// quiche driver in ./quiche/ can be swapped for a node:quic one without touching src/h3.
// Event-driven rather than async-iterator based: Node delivers datagrams as events, and a callback per
// stream chunk costs nothing where a promise per chunk would.

/** One bound UDP socket. With a wildcard host there is one per local address (see QuicEngineOptions.host). */
export interface QuicBoundAddress {
  readonly address: string;
  readonly family: 'IPv4' | 'IPv6';
  readonly port: number;
}

/** The listener: bind, stop taking new connections, close. */
export interface QuicEngine {
  /** Binds the UDP socket(s) and starts accepting; resolves with every bound address. */
  listen(): Promise<QuicBoundAddress[]>;
  /** Drain: Initials for new connections are dropped from now on (no new handshakes); existing connections continue. */
  stopAccepting(): void;
  /** Closes every connection now (CONNECTION_CLOSE, NO_ERROR), reports onClosed for each, unbinds. */
  close(): Promise<void>;
  /**
   * Connections accepted from now on use this PEM chain and key; established and handshaking ones keep
   * the pair they were accepted with. Throws, keeping the previous pair, when the TLS library refuses it.
   */
  setCertificate(cert: Buffer, key: Buffer): void;
}

/**
 * When to demand a Retry round trip (address validation, RFC 9000 §8.1.2) before creating connection state:
 * - 'always': every new connection pays one extra round trip; spoofed sources never reach the TLS handshake.
 * - 'never': no Retry (quiche still enforces the 3x anti-amplification limit, RFC 9000 §8.1).
 * - 'auto' (default): Retry only while `retryAboveHandshakes` or more handshakes are in progress, or once
 *   `retryAboveAcceptsPerSecond` Initials have been accepted this second, i.e. under a handshake flood
 *   (valid or garbage Initials alike); normal traffic keeps its 1-RTT handshake.
 */
export type QuicRetryPolicy = 'always' | 'never' | 'auto';

export interface QuicEngineOptions {
  /**
   * Address to bind. A wildcard ('0.0.0.0' or '::') binds one socket per local address instead of one
   * wildcard socket, because node:dgram cannot pick the source address of a reply (no IP_PKTINFO) and a
   * client drops replies that come from another address than the one it sent to.
   */
  readonly host: string;
  /** UDP port; 0 picks a free one (the same on every socket of a wildcard bind). */
  readonly port: number;
  /** PEM certificate chain and private key. */
  readonly cert: Buffer;
  readonly key: Buffer;
  /** ALPN protocols offered, e.g. ['h3']. */
  readonly alpn: readonly string[];
  /** Idle timeout (RFC 9000 §10.1), also the bound on a stalled handshake's lifetime. Default 30 000. */
  readonly idleTimeoutMs?: number;
  /** A connection not established after this long is closed. Default 10 000. */
  readonly handshakeTimeoutMs?: number;
  /** Connections (handshaking + established) beyond which new Initials are dropped. Default 10 000. */
  readonly maxConnections?: number;
  /** Concurrent client bidirectional (request) streams per connection. Default 100. */
  readonly maxStreamsBidi?: number;
  /** Concurrent client unidirectional streams (HTTP/3 needs 3: control + 2 QPACK). Default 8. */
  readonly maxStreamsUni?: number;
  /** Initial connection receive window. Default 16 MiB. */
  readonly initialMaxData?: number;
  /** Initial receive window of each client bidirectional stream (request bodies). Default 4 MiB. */
  readonly initialMaxStreamData?: number;
  /** Initial receive window of each client unidirectional stream. Default 256 KiB. */
  readonly initialMaxStreamDataUni?: number;
  /** Ceiling for quiche's connection-window auto-tuning. Default 24 MiB. */
  readonly maxConnectionWindow?: number;
  /** Default 'auto'. */
  readonly retry?: QuicRetryPolicy;
  /** 'auto' threshold: Retry is demanded while this many handshakes or more are in progress. Default 64. */
  readonly retryAboveHandshakes?: number;
  /** 'auto' threshold: new connections per second (quiche accepts, each ~tens of µs); once this many were accepted in the current second, Retry is demanded. Default 256. */
  readonly retryAboveAcceptsPerSecond?: number;
  /** Lifetime of a Retry token. Default 10 000. */
  readonly retryTokenLifetimeMs?: number;
  /** Largest UDP payload sent. Default 1350 (safe on any path without PMTU discovery). */
  readonly maxUdpPayloadSize?: number;
  /**
   * Authenticated bytes a peer may send beyond its stream data (ACKs, CRYPTO, PATH_CHALLENGE,
   * NEW_CONNECTION_ID, ...) before the connection is closed; grows with the traffic exchanged.
   * Bounds the unbounded-queue flaws of quiche 0.18 (docs/quiche-security.md). Default 1 MiB.
   */
  readonly inboundOverheadLimit?: number;
  /** SO_RCVBUF / SO_SNDBUF of each socket (capped by the kernel's rmem_max/wmem_max). Default 4 MiB. */
  readonly socketBufferBytes?: number;
  /** Called once per connection, when its handshake completes; returns the connection's handler. */
  onConnection(conn: QuicConnection): QuicConnectionHandler;
  /** Counters for metrics; called synchronously, must not throw. */
  onEvent?(event: QuicEngineEvent): void;
}

/** One established QUIC connection, as the HTTP/3 layer sees it. Every call is cheap and never throws. */
export interface QuicConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** TLS SNI the client sent, '' when none. */
  readonly serverName: string;
  /**
   * Queues stream data. Returns the bytes accepted now (flow and congestion control); `fin` takes
   * effect only when everything was accepted. After a short write the rest must be sent again once
   * onStreamWritable(id) fires. Returns -1 when the stream can no longer be written (peer STOP_SENDING,
   * reset, unknown stream, connection closing); a STOP_SENDING is also reported via onStreamStopped.
   */
  streamSend(id: number, data: Uint8Array, fin: boolean): number;
  /** 'read': STOP_SENDING, discard what arrives; 'write': RESET_STREAM. `appCode` is the application error code. */
  streamShutdown(id: number, direction: 'read' | 'write', appCode: number): void;
  /** Resumes delivery on a stream whose onStreamData returned false. */
  streamResumeRead(id: number): void;
  /**
   * true once nothing written on the stream is left to send or retransmit: all of it, FIN included,
   * was acknowledged, or the stream was reset or stopped. close() discards what is not settled, so a
   * graceful close (HTTP/3 GOAWAY drain) waits for the streams it answered to settle.
   */
  streamSettled(id: number): boolean;
  /** Id of a new server-initiated unidirectional stream (3, 7, 11, ...), or -1 when the peer's limit is reached. */
  openUniStream(): number;
  /** Sends an ack-eliciting packet (PING) soon: the peer's stack answers, and its event loop wakes. */
  ping(): void;
  /** Closes with an application error code (CONNECTION_CLOSE 0x1d); onClosed follows. */
  close(appCode: number, reason?: string): void;
}

/** How the connection's events reach the HTTP/3 layer. Calls come from the engine's flush, never reentrantly. */
export interface QuicConnectionHandler {
  /**
   * Stream data in order. `data` is only valid during the call (copy to keep). `fin` marks the end of the
   * peer's side. Return false to pause delivery on this stream (receive backpressure: quiche stops
   * extending the peer's flow-control window) until conn.streamResumeRead(id).
   */
  onStreamData(id: number, data: Uint8Array, fin: boolean): boolean | void;
  /** The peer reset its side of the stream (RESET_STREAM). */
  onStreamReset(id: number, appCode: number): void;
  /** The peer no longer wants our data (STOP_SENDING); seen when the stream is next written or waiting. */
  onStreamStopped(id: number, appCode: number): void;
  /** A stream whose streamSend returned short can take more data. */
  onStreamWritable(id: number): void;
  /** The connection is over (closing, draining or closed); no call follows. */
  onClosed(info: QuicCloseInfo): void;
}

export interface QuicCloseInfo {
  /** true: an application (HTTP/3) error code; false: a transport error code. */
  readonly appError: boolean;
  readonly code: number;
  /** true when this side closed (including idle timeout and engine close). */
  readonly local: boolean;
  readonly idleTimeout: boolean;
}

export type QuicDropReason =
  | 'malformed' // too short or not a QUIC packet
  | 'unknown_connection' // no connection for the DCID and not an Initial
  | 'small_initial' // Initial in a datagram below 1200 bytes (RFC 9000 §14.1)
  | 'unsupported_version' // too small to answer with Version Negotiation (RFC 9000 §6)
  | 'invalid_token' // Retry token forged, expired or for another address
  | 'connection_limit' // maxConnections reached
  | 'not_accepting' // stopAccepting() was called
  | 'accept_failed' // quiche refused the Initial
  | 'invalid_initial' // an Initial quiche could not decrypt: no connection state is kept for it
  | 'rate_limited'; // a stateless reply (Version Negotiation, stateless reset) over its budget

export type QuicEngineEvent =
  | { readonly type: 'handshake' }
  | { readonly type: 'retry_sent' }
  | { readonly type: 'version_negotiation_sent' }
  | { readonly type: 'stateless_reset_sent' }
  | { readonly type: 'packet_dropped'; readonly reason: QuicDropReason }
  | { readonly type: 'limit_exceeded'; readonly limit: 'handshake_timeout' | 'inbound_overhead' }
  | { readonly type: 'handler_error'; readonly error: unknown }
  | ({ readonly type: 'connection_closed'; readonly established: boolean } & QuicCloseInfo);
