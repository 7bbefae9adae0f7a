// The one contract between the protocol listeners (src/h1, src/h2, src/h3) and the core.
// Listeners translate their wire format into a CoreRequest, call `Core.handle`, and write the
// CoreResponse back; nothing protocol-specific lives in src/core. Modelled on hono's Node adapter:
// adapters are thin translators into one handler.
import type { FileHandle } from 'node:fs/promises';
import type { Duplex, Readable } from 'node:stream';
import type { Route } from './observability/labels.js';

export type Protocol = 'h1' | 'h2' | 'h3';

/**
 * Why a TCP listener closed a connection on its own (rws_connections_cut_total): node's HTTP/1.1 parser
 * refused a request (`bad_request` 400, `headers_too_large` 431, `request_timeout` 408: slow-loris),
 * too many requests pipelined unanswered (`pipeline_limit`), an HTTP/2 client over its stream-reset limit
 * (`reset_limit`, CVE-2023-44487), an HTTP/2 client flooding nghttp2 with frames whose acknowledgements
 * it does not read (`flood`: PING, SETTINGS), or an HTTP/2 client that stopped reading and answered no
 * PING (`unresponsive`). QUIC's closes are counted by the driver (rws_quic_*).
 */
export type CutReason = 'bad_request' | 'headers_too_large' | 'request_timeout' | 'pipeline_limit' | 'reset_limit' | 'flood' | 'unresponsive';

/** Request header map: lower-case names; repeated fields are arrays (as node:http gives them). */
export type RequestHeaders = Record<string, string | string[] | undefined>;
/** Response header map: lower-case names; `set-cookie` and other repeatable fields may be arrays. */
export type ResponseHeaders = Record<string, string | number | string[]>;

export interface CoreRequest {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  /** Host header (h1) or :authority (h2/h3); '' when absent. */
  readonly authority: string;
  /** The request target as sent: path plus query, percent-encoded. */
  readonly path: string;
  readonly headers: RequestHeaders;
  /** Request body; null when the request has none (no content-length/transfer-encoding, or END_STREAM). */
  readonly body: Readable | null;
  readonly remoteAddress: string;
  readonly protocol: Protocol;
  /**
   * HTTP/1.x only: the version of the request line as node's parser read it ('1.0', '1.1'). Absent on
   * HTTP/2 and HTTP/3, where `protocol` is the version.
   */
  readonly httpVersion?: string;
  /** Aborts when the client goes away (socket closed, RST_STREAM, QUIC RESET_STREAM/STOP_SENDING). */
  readonly signal: AbortSignal;
  /** Set by the core when it accepts the request: the validated incoming X-Request-Id or a new one. */
  requestId?: string;
  /**
   * Set by a listener whose parser accepted a request its protocol refuses (HTTP/1.1's Host and
   * Transfer-Encoding rules, RFC 9112 §3.2, §6.1): the status and why. The core answers it and closes
   * the connection, so the refusal is logged and counted like any other answer.
   */
  readonly refused?: Refusal | undefined;
}

export interface Refusal {
  readonly status: 400 | 501;
  /** A fixed text, never the client's bytes: response bodies are cached by their text. */
  readonly reason: string;
}

/**
 * A byte range of a file the core has opened, end exclusive: the bytes are those of the file its headers
 * describe, whatever the path holds by the time they are read. The listener streams it with
 * backpressure through readFileBody (./file-body.ts), whose stream closes the handle; Core.finish
 * closes a handle that was never read.
 */
export interface FileBody {
  readonly kind: 'file';
  readonly handle: FileHandle;
  readonly start: number;
  readonly end: number;
}
export interface BytesBody {
  readonly kind: 'bytes';
  readonly data: Uint8Array;
}
export interface StreamBody {
  readonly kind: 'stream';
  readonly stream: Readable;
}
export interface EmptyBody {
  readonly kind: 'empty';
}
export type ResponseBody = EmptyBody | BytesBody | StreamBody | FileBody;

export interface CoreResponse {
  status: number;
  headers: ResponseHeaders;
  body: ResponseBody;
  /** Route template for metrics and logs (healthz, static, proxy, not_found…); never a raw path. */
  route?: Route;
  /** Origin timing when proxied: ms until the origin's response headers arrived. */
  upstreamMs?: number;
}

/**
 * The origin accepted a protocol switch (101 Switching Protocols, RFC 9110 §15.2.2): what a listener
 * relays to the client, and the connection to tunnel it to. Today only an HTTP/1.1 WebSocket opening
 * handshake (RFC 6455 §4) gets one, through the proxy.
 */
export interface Tunnel {
  /**
   * The 101 response head to write to the client (the origin's Upgrade, Connection and
   * Sec-WebSocket-* fields among its headers; body empty). Passed to `Core.finish` when the tunnel
   * closes, with the bytes relayed each way as the exchange's bytes.
   */
  readonly response: CoreResponse;
  /** The origin connection past its 101 head; bytes the origin sent right behind the head are its first read. */
  readonly origin: Duplex;
  /** No byte either way for this long closes both sides (RWS_CONFIG_TUNNEL_IDLE_TIMEOUT_MS). */
  readonly idleTimeoutMs: number;
}

/** What the listener reports once an exchange is over (response fully sent, or cut). */
export interface ExchangeEnd {
  /** Response body bytes written to the transport. */
  readonly bytesSent: number;
  /** Request body bytes received. */
  readonly bytesReceived: number;
  /** true when the client went away or the transport failed before the response was complete. */
  readonly aborted: boolean;
}

export interface Core {
  /**
   * The response, synchronously when it is known at once (health, readiness, refusals), a Promise when
   * it needs I/O (files, the origin). Listeners pass the result to `whenSettled` (./settle.ts) and so skip
   * a microtask hop per request on the cheap paths, as hono's Node adapter does for `Response |
   * Promise<Response>`. Never rejects: failures become 500 responses.
   */
  handle(req: CoreRequest): CoreResponse | Promise<CoreResponse>;
  /**
   * `handle` for a request that asks to switch protocols (RFC 9110 §7.8) on a connection the listener can
   * hand over: HTTP/1.1 with `Upgrade: websocket` on a GET (RFC 6455 §4.1). Routed like any request:
   * what is not proxied (internal endpoints, static files, no origin configured) gets the same response
   * as from `handle`, the Upgrade ignored, as RFC 9110 §7.8 allows. A proxied one is offered to the
   * origin with its Upgrade: a Tunnel when the origin switches, otherwise its refusal (any non-101
   * status) or 502/504, as a CoreResponse. `finish` is called once either way; for a Tunnel, when it closes.
   */
  handleUpgrade(req: CoreRequest): CoreResponse | Tunnel | Promise<CoreResponse | Tunnel>;
  /**
   * Called exactly once per handled request, when its exchange ends. `res` is what handle returned;
   * whatever its body still holds (a stream not read to its end, a file handle never read) is released.
   */
  finish(req: CoreRequest, res: CoreResponse, end: ExchangeEnd, startedAt: number): void;
  /** Per-protocol transport connection accounting (TCP connections for h1/h2, QUIC connections for h3). */
  connectionOpened(protocol: Protocol): void;
  connectionClosed(protocol: Protocol): void;
  /** A listener closed a connection on its own, for `reason`; called once, before the close. */
  connectionCut(protocol: Protocol, reason: CutReason, remoteAddress: string | undefined): void;
  /** Whether new exchanges should be told the server is going away (HTTP/1.1 Connection: close). */
  draining(): boolean;
}

/** Every listener has this shape; the shutdown coordinator drives it. */
export interface Listener {
  readonly name: string;
  /** Binds; resolves with the bound port once accepting. */
  listen(): Promise<number>;
  /** Stop accepting, let in-flight exchanges finish; resolves when none is left or the deadline (ms since epoch) passes. */
  drain(deadline: number): Promise<void>;
  /** Close everything now; returns how many in-flight exchanges were cut. */
  close(): Promise<number>;
  /** In-flight exchanges right now. */
  inflight(): number;
}

/** A listener that presents the TLS certificate (the TLS listener, HTTP/3): it takes a renewed pair without a restart. */
export interface TlsListener extends Listener {
  /**
   * Handshakes from now on present this pair (PEM chain and key, already checked by the caller);
   * connections already open keep the one they were made with. Throws when the TLS library refuses
   * the pair, and then keeps the previous one.
   */
  setCertificate(cert: Buffer, key: Buffer): void;
}
