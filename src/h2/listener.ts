// TLS listener: HTTP/2 and HTTP/1.1 by ALPN on one port, through http2.createSecureServer with
// allowHTTP1. A thin translator into the core, like src/h1. HTTP/2 sessions drain with a two-phase
// GOAWAY (RFC 9113 §6.8, as Envoy and h2o do); HTTP/1.1 connections drain like src/h1's.
import { constants, createSecureServer, type Http2SecureServer, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import { Server as TlsServer, type TLSSocket } from 'node:tls';
import type { Core, TlsListener } from '../core/contract.js';
import { clientErrorHandler, refuseConnect } from '../node-http/client-error.js';
import { checkContinue } from '../node-http/continue-on-read.js';
import { ConnectionTracker } from '../node-http/connection-tracker.js';
import { listenOn } from '../node-http/listen-on.js';
import { upgradeHandler } from '../node-http/serve-upgrade.js';
import { upgradeOnlyWebSocket } from '../node-http/websocket-upgrade.js';
import { PipelineGate } from '../node-http/pipeline-gate.js';
import { http1Handler } from '../node-http/serve-http1.js';
import { refuseLargeHeaders } from './header-limit.js';
import { joinRepeatedFields } from './repeated-fields.js';
import type { ResetLimit } from './reset-limit.js';
import { serveStream } from './serve-stream.js';
import { SessionTracker } from './session-tracker.js';

// nghttp2's error code for a flooded session (nghttp2.h); node does not export it.
const NGHTTP2_ERR_FLOODED = -904;

export interface H2Options {
  name: string;
  host: string;
  port: number;
  cert: Buffer;
  key: Buffer;
  maxHeaderSize: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleTimeoutMs: number;
  maxConcurrentStreams: number;
  /** Unanswered HTTP/1.1-over-TLS requests one connection may have (src/node-http/pipeline-gate.ts). */
  maxPipelinedRequests: number;
  /** Streams an HTTP/2 client may reset before its session is closed (./reset-limit.ts). */
  resetLimit: ResetLimit;
  /** Silence before a session with streams open is sent a PING, and the wait for its ACK (./session-tracker.ts). */
  pingTimeoutMs: number;
  /** WebSocket upgrades on HTTP/1.1 over TLS are tunnelled (see H1Options.tunnels in src/h1/listener.ts). */
  tunnels?: boolean;
}

// The TLS settings of the secure context, given again with each new pair: setSecureContext() resets
// whatever it is not given (minVersion among them) to node's defaults.
function secureContext(cert: Buffer, key: Buffer) {
  return { cert, key, minVersion: 'TLSv1.2' } as const;
}

export function createH2Listener(core: Core, o: H2Options): TlsListener {
  const h1 = new ConnectionTracker();
  const sessions = new SessionTracker(o.resetLimit, o.pingTimeoutMs, (reason, address) => core.connectionCut('h2', reason, address));
  const gate = new PipelineGate(o.maxPipelinedRequests, h1);
  const server: Http2SecureServer = createSecureServer({
    ...secureContext(o.cert, o.key),
    allowHTTP1: true,
    settings: {
      maxConcurrentStreams: o.maxConcurrentStreams,
      maxHeaderListSize: o.maxHeaderSize,
      // 1 MiB stream windows: fast uploads without letting one session pin much memory.
      initialWindowSize: 1024 * 1024,
    },
    maxHeaderListPairs: 256,
    // nghttp2's per-session memory cap in MB; beyond it new streams are refused (ENHANCE_YOUR_CALM).
    maxSessionMemory: 16,
    // Rapid reset (CVE-2023-44487) and invalid-frame floods: node closes sessions past these counts.
    maxSessionInvalidFrames: 100,
    maxSessionRejectedStreams: 100,
    unknownProtocolTimeout: o.headersTimeoutMs,
  });
  // HTTP/1.1-over-TLS connections are served by node's http1 machinery, which reads these from the server.
  // The checking interval is read once, at 'listening': node's default for this server is 30 s, which let
  // a slow-loris client on the TLS port outlive the headers timeout (test/exhaustion/h1-slow-loris.test.ts).
  Object.assign(server, {
    headersTimeout: o.headersTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    maxHeaderSize: o.maxHeaderSize,
    connectionsCheckingInterval: Math.min(1000, o.headersTimeoutMs),
  });
  server.setTimeout(o.idleTimeoutMs);
  // HTTP/1.1 over TLS: node's http1 machinery emits 'request'. Adding that listener makes node install
  // its HTTP/2 compat layer as the 'stream' listener; HTTP/2 streams are served through the stream API
  // instead (./serve-stream.ts says why), so that listener is replaced.
  const handler = http1Handler(core, 'https', h1, gate);
  server.on('request', handler);
  server.on('checkContinue', checkContinue(handler));
  server.removeAllListeners('stream');
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
    const session = sessions.stateOf(stream.session as ServerHttp2Session);
    if (session.calmed) return sessions.refuse(stream, session);
    if (refuseLargeHeaders(stream, rawHeaders, o.maxHeaderSize)) return sessions.track(stream, session);
    joinRepeatedFields(headers, rawHeaders);
    serveStream(core, stream, headers, sessions, session);
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    const protocol = socket.alpnProtocol === 'h2' ? 'h2' : 'h1';
    if (protocol === 'h1') h1.add(socket);
    core.connectionOpened(protocol);
    socket.once('close', () => core.connectionClosed(protocol));
  });
  // The session tracker needs each session's TLS socket (to close it when node cannot, see
  // ./session-tracker.ts), and a session holds only a proxy of it. node's own 'secureConnection'
  // listener, added by createSecureServer, makes an h2 socket's session and emits 'session' at once, so
  // this listener, put before it, hands the socket over.
  let nextSocket: TLSSocket | undefined;
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol === 'h2') nextSocket = socket;
  });
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session, nextSocket);
    nextSocket = undefined;
  });
  // The session is destroyed by node; nothing to crash on. nghttp2's own flood protection (a client
  // provoking acknowledgements it never reads: over 1000 queued unsent) is one of the edge's cuts.
  server.on('sessionError', (err: Error & { errno?: number }, session: ServerHttp2Session) => {
    if (err.errno === NGHTTP2_ERR_FLOODED) sessions.cut(session, 'flood');
  });
  server.on('clientError', clientErrorHandler(core));
  // HTTP/1.1 over TLS; an HTTP/2 CONNECT is answered in ./serve-stream.ts.
  server.on('connect', refuseConnect);
  // Browsers open WebSockets over HTTP/1.1 (this server does not offer RFC 8441's extended CONNECT).
  if (o.tunnels === true) {
    upgradeOnlyWebSocket(server);
    server.on('upgrade', upgradeHandler(core, 'https', h1, gate, o.idleTimeoutMs));
  }
  server.on('tlsClientError', () => {}); // failed handshakes (scanners, wrong SNI) are routine on an edge

  return {
    name: o.name,
    listen: () => listenOn(server, o.host, o.port),
    // The drain only stops accepting here; the trackers drain HTTP/2 sessions (two-phase GOAWAY) and
    // HTTP/1.1 connections themselves. Not through server.close(): on Node 24 it also closes every session
    // at once (nodejs/node#57586), a second GOAWAY right behind the first, so a stream the client opened
    // before it read the first is refused without the round trip of RFC 9113 §6.8 (Node 20 leaves
    // sessions open). node:tls's own close() only stops accepting, on both.
    async drain(deadline) {
      sessions.startDrain(deadline);
      if (server.listening) TlsServer.prototype.close.call(server);
      h1.startDrain();
      await Promise.all([h1.idle(deadline), sessions.idle(deadline)]);
    },
    async close() {
      if (server.listening) server.close();
      return h1.destroyAll() + sessions.destroyAll(constants.NGHTTP2_CANCEL);
    },
    inflight: () => h1.inflight + sessions.inflight,
    // A new context for new handshakes; open sockets keep theirs. Session tickets issued under the old
    // context no longer resume (new ticket keys): each client makes one full handshake after a renewal.
    setCertificate(cert, key) {
      server.setSecureContext(secureContext(cert, key));
    },
  };
}
