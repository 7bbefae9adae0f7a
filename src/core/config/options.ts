// Every configuration option, once: its RWS_CONFIG_* variable (names follow rws, the Rust server this
// follows), its default and its parser. The CLI flag is derived from the variable name
// (RWS_CONFIG_TLS_PORT → --tls-port), so the two can never drift apart.
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import * as p from './parsers.js';

export interface OptionSpec<T> {
  readonly env: string;
  readonly help: string;
  /** Default as the user would write it; undefined = unset. */
  readonly def: string | undefined;
  readonly parse: (value: string) => T;
}

function opt<T, D extends string | undefined>(
  env: string,
  def: D,
  parse: (v: string) => T,
  help: string,
): OptionSpec<T> & { readonly def: D } {
  return { env: `RWS_CONFIG_${env}`, def, parse, help };
}

export const devCertFile = join(packageRoot, 'certs-dev', 'cert.pem');
export const devKeyFile = join(packageRoot, 'certs-dev', 'key.pem');

export const options = {
  ip: opt('IP', '0.0.0.0', p.ipAddress, 'bind address for every listener (:: for dual stack)'),
  port: opt('PORT', '7878', (v) => p.port(v), 'plain HTTP/1.1 port'),
  tls: opt('TLS', 'on', p.onOff, 'off runs the plain HTTP/1.1 listener only'),
  tlsPort: opt('TLS_PORT', '7443', (v) => p.port(v), 'TLS port (HTTP/2 and HTTP/1.1 by ALPN); HTTP/3 uses the same number on UDP'),
  tlsCertFile: opt('TLS_CERT_FILE', undefined, p.readablePem, 'certificate chain (PEM); unset: the development pair in certs-dev/'),
  tlsKeyFile: opt('TLS_KEY_FILE', undefined, p.readablePem, 'private key (PEM); unset: the development pair in certs-dev/'),
  // Down to 100 ms so that tests can watch a swap; a kubelet updates a Secret volume within about a minute.
  tlsReloadIntervalMs: opt('TLS_RELOAD_INTERVAL_MS', '60000', p.offOrInteger(100, 86_400_000), 'how often the certificate and key files are re-read; a changed, valid pair is served to new connections without a restart; 0: never'),
  root: opt('ROOT', join(packageRoot, 'public'), p.directory, 'static root directory'),
  upstream: opt('UPSTREAM', undefined, p.upstreamUrl, 'origin URL (http:// or https://); requests with no static file are proxied there'),
  adminPort: opt('ADMIN_PORT', undefined, (v) => p.port(v), 'serve /healthz, /readyz, /metrics only on this plain-HTTP port'),
  h3: opt('H3', 'on', p.onOff, 'off turns off the HTTP/3 listener and the Alt-Svc header'),
  altSvcPort: opt('ALT_SVC_PORT', undefined, (v) => p.port(v, false), 'port advertised in Alt-Svc (default: the TLS port)'),
  altSvcMaxAge: opt('ALT_SVC_MAX_AGE', '86400', p.integer(0, 2 ** 31 - 1), 'Alt-Svc max-age in seconds'),
  h3MaxConnections: opt('H3_MAX_CONNECTIONS', '10000', p.integer(1, 1_000_000), 'most concurrent QUIC connections'),
  h3IdleTimeoutMs: opt('H3_IDLE_TIMEOUT_MS', '30000', p.integer(1000, 600_000), 'QUIC idle timeout'),
  h3Retry: opt('H3_RETRY', 'auto', p.oneOf('auto', 'always', 'never'), 'QUIC address validation with Retry: auto (only under a handshake flood), always, never'),
  logFormat: opt('LOG_FORMAT', 'text', p.oneOf('text', 'json'), 'log format: text (one readable line per request) or json'),
  logLevel: opt('LOG_LEVEL', 'info', p.oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'), 'log level'),
  accessLog: opt('ACCESS_LOG', 'on', p.onOff, 'one log line per request'),
  shutdownDelayMs: opt('SHUTDOWN_DELAY_MS', '5000', p.integer(0, 600_000), 'after SIGTERM, keep serving this long before draining'),
  drainTimeoutMs: opt('DRAIN_TIMEOUT_MS', '25000', p.integer(0, 3_600_000), 'longest wait for in-flight requests while draining'),
  readyRequiresUpstream: opt('READY_REQUIRES_UPSTREAM', 'off', p.onOff, '/readyz waits until the origin answers'),
  corsAllowOrigins: opt('CORS_ALLOW_ORIGINS', undefined, p.originList, 'CORS: * or a comma-separated list of origins; unset: off'),
  cacheControl: opt('CACHE_CONTROL', 'public, max-age=0, must-revalidate', p.headerValue, 'Cache-Control of static files'),
  httpsRedirect: opt('HTTPS_REDIRECT', 'off', p.onOff, 'on: plain-HTTP requests get 308 to https:// on the port Alt-Svc advertises (health, readiness, metrics and ACME challenges stay on HTTP)'),
  hsts: opt('HSTS', 'max-age=63072000; includeSubDomains', p.headerValue, 'Strict-Transport-Security on TLS responses; "off" disables'),
  referrerPolicy: opt('REFERRER_POLICY', 'strict-origin-when-cross-origin', p.headerValue, 'Referrer-Policy header'),
  compression: opt('COMPRESSION', 'on', p.onOff, 'on-the-fly brotli/gzip of text responses'),
  maxHeaderSize: opt('MAX_HEADER_SIZE', '16384', p.integer(1024, 1_048_576), 'largest request header section, bytes (→ 431)'),
  maxBodySize: opt('MAX_BODY_SIZE', '67108864', p.integer(0, 2 ** 40), 'largest request body, bytes (→ 413)'),
  headersTimeoutMs: opt('HEADERS_TIMEOUT_MS', '10000', p.integer(100, 600_000), 'time to receive request headers (slow-loris)'),
  requestTimeoutMs: opt('REQUEST_TIMEOUT_MS', '300000', p.integer(100, 3_600_000), 'time to receive a whole request'),
  keepAliveTimeoutMs: opt('KEEPALIVE_TIMEOUT_MS', '5000', p.integer(100, 600_000), 'idle keep-alive connection lifetime'),
  idleTimeoutMs: opt('IDLE_TIMEOUT_MS', '120000', p.integer(1000, 3_600_000), 'inactivity timeout of a TCP connection or HTTP/2 session'),
  maxConcurrentStreams: opt('MAX_CONCURRENT_STREAMS', '100', p.integer(1, 1000), 'HTTP/2 and HTTP/3 concurrent streams per connection'),
  maxPipelinedRequests: opt('MAX_PIPELINED_REQUESTS', '32', p.integer(1, 1024), 'unanswered HTTP/1.1 requests one connection may have; beyond: the connection is closed'),
  h2ResetBurst: opt('H2_RESET_BURST', '200', p.integer(1, 1_000_000), 'HTTP/2 streams a client may reset in a burst; beyond: GOAWAY ENHANCE_YOUR_CALM, session closed (rapid reset)'),
  h2ResetRate: opt('H2_RESET_RATE', '33', p.integer(1, 1_000_000), 'refill of RWS_CONFIG_H2_RESET_BURST, resets per second'),
  h2PingTimeoutMs: opt('H2_PING_TIMEOUT_MS', '10000', p.integer(1000, 600_000), 'an HTTP/2 session with streams open that wrote nothing this long is sent a PING; no ACK and nothing written for as long again: connection closed (a client gone unnoticed)'),
  // At least 1 s: undici checks this timer about twice a second, so it fires ~0.5 s after the value and
  // anything under 1000 ms fired at ~1 s anyway (measured: 200 → 1.0 s, 1000 → 1.5 s, 3000 → 3.5 s).
  upstreamTimeoutMs: opt('UPSTREAM_TIMEOUT_MS', '30000', p.integer(1000, 3_600_000), 'origin response-headers timeout (→ 504; fires up to ~0.5 s late)'),
  upstreamConnectTimeoutMs: opt('UPSTREAM_CONNECT_TIMEOUT_MS', '5000', p.integer(100, 600_000), 'origin connect timeout (→ 502)'),
  // nginx's proxy_read_timeout is 60 s; WebSocket apps that hold a quiet connection open send pings
  // well within that (socket.io every 25 s), and a tunnel nobody uses must not pin two sockets forever.
  tunnelIdleTimeoutMs: opt('TUNNEL_IDLE_TIMEOUT_MS', '60000', p.integer(1000, 86_400_000), 'a WebSocket tunnel with no byte either way this long is closed'),
  upstreamConnections: opt('UPSTREAM_CONNECTIONS', '128', p.integer(1, 65_536), 'pooled keep-alive connections to the origin'),
} as const;

type Options = typeof options;
type Parsed<K extends keyof Options> = ReturnType<Options[K]['parse']>;
type Required<K extends keyof Options> = Options[K]['def'] extends string ? Parsed<K> : Parsed<K> | undefined;

/** The parsed configuration. */
export type Config = { -readonly [K in keyof Options]: Required<K> } & {
  /** true when the TLS pair is the development pair from certs-dev/. */
  devCerts: boolean;
  tlsCert: Buffer | undefined;
  tlsKey: Buffer | undefined;
};

export function flagFor(env: string): string {
  return '--' + env.slice('RWS_CONFIG_'.length).toLowerCase().replace(/_/g, '-');
}
