// The reverse proxy: every request no static file answers goes to RWS_CONFIG_UPSTREAM through one undici
// Pool of keep-alive HTTP/1.1 connections. Bodies stream both ways with backpressure; origin failures
// become 502/504 responses (or a cut response once headers were sent), never exceptions.
import { Pool, type Dispatcher } from 'undici';
import type { CoreRequest, CoreResponse, Tunnel } from '../contract.js';
import type { Config } from '../config/options.js';
import type { ProxyHandler } from '../handlers.js';
import type { Observer } from '../observer.js';
import { textResponse } from '../responses.js';
import { limitBody } from './body-limit.js';
import { classify, failureResponse, type UpstreamOutcome } from './failure.js';
import { answerAsFinalRecipient, maxForwards } from './max-forwards.js';
import { upstreamRequestHeaders } from './request-headers.js';
import { clientResponseHeaders, switchedResponseHeaders, validFinalStatus } from './response-headers.js';
import { basePath, targetPath } from './target-path.js';
import { requestUpgrade, type NotSwitched } from './upgrade-request.js';

export type { UpstreamOutcome } from './failure.js';

export interface ProxyOptions {
  /** Called once per upstream request with its outcome and the ms until response headers (or failure). */
  onUpstream?: (outcome: UpstreamOutcome, ms: number) => void;
  /** Longest wait for a probe() answer; default 2 s (or the upstream timeout when shorter). */
  probeTimeoutMs?: number;
}

type ProxyConfig = Pick<
  Config,
  'upstream' | 'upstreamConnections' | 'upstreamConnectTimeoutMs' | 'upstreamTimeoutMs' | 'idleTimeoutMs' | 'maxBodySize' | 'tunnelIdleTimeoutMs'
>;

/** What both undici's request() and an upgrade request that did not switch answer. */
type OriginResponse = Pick<Dispatcher.ResponseData, 'statusCode' | 'headers'> & { body: Dispatcher.ResponseData['body'] | NotSwitched['body'] };

export function createProxy(config: ProxyConfig, observer: Observer, options: ProxyOptions = {}): ProxyHandler {
  const upstream = config.upstream;
  if (upstream === undefined) throw new Error('createProxy needs RWS_CONFIG_UPSTREAM');
  const pool = createPool(upstream, config);
  const base = basePath(upstream);
  const probeTimeoutMs = options.probeTimeoutMs ?? Math.min(2000, config.upstreamTimeoutMs);

  function report(outcome: UpstreamOutcome, ms: number): void {
    options.onUpstream?.(outcome, ms);
  }

  async function forward(req: CoreRequest): Promise<CoreResponse> {
    // undici cannot tunnel, and the edge does not offer CONNECT to the public.
    if (req.method === 'CONNECT') return textResponse(405, 'method not allowed', 'proxy');
    const hops = maxForwards(req);
    if (hops === 0) return answerAsFinalRecipient(req);
    const path = targetPath(base, req.path);
    if (path === null) return textResponse(400, 'bad request target', 'proxy');
    const body = req.body === null ? null : limitBody(req.body, config.maxBodySize);
    const started = performance.now();
    let answer: Dispatcher.ResponseData;
    try {
      answer = await pool.request({
        method: req.method as Dispatcher.HttpMethod,
        path,
        headers: upstreamRequestHeaders(req, upstream!.host, hops),
        body,
        signal: req.signal,
      });
    } catch (err) {
      return failed(req, err, started);
    }
    return answered(req, answer, performance.now() - started);
  }

  // RFC 6455 §4.1: the opening handshake is a GET without content. The client's Sec-WebSocket-* fields
  // go on as end-to-end fields; Upgrade and Connection are hop-by-hop (RFC 9110 §7.6.1, §7.8), so they
  // are not copied but set again for this hop, by undici (its `upgrade` option).
  async function tunnel(req: CoreRequest): Promise<CoreResponse | Tunnel> {
    const path = targetPath(base, req.path);
    if (path === null) return textResponse(400, 'bad request target', 'proxy');
    const started = performance.now();
    const headers = upstreamRequestHeaders(req, upstream!.host);
    let answer;
    try {
      answer = await requestUpgrade(pool, { method: 'GET', path, headers, upgrade: 'websocket' }, req.signal);
    } catch (err) {
      return failed(req, err, started);
    }
    const ms = performance.now() - started;
    if (!answer.switched) return answered(req, answer, ms);
    report('ok', ms);
    // Until the listener relays it, a reset must not become an unhandled 'error' event.
    answer.socket.on('error', () => {});
    const response: CoreResponse = { status: 101, headers: switchedResponseHeaders(answer.headers), body: { kind: 'empty' }, route: 'proxy', upstreamMs: ms };
    return { response, origin: answer.socket, idleTimeoutMs: config.tunnelIdleTimeoutMs };
  }

  function failed(req: CoreRequest, err: unknown, started: number): CoreResponse {
    const ms = performance.now() - started;
    const failure = classify(err, req.signal.aborted);
    report(failure.outcome, ms);
    if (failure.outcome === 'error' || failure.outcome === 'timeout') {
      observer.event('warn', 'upstream request failed', { cause: failure.cause, status: failure.status, method: req.method, upstream: upstream!.origin });
    }
    const unread = req.protocol === 'h1' && req.body !== null && !req.body.readableEnded;
    return failureResponse(failure, unread);
  }

  function answered(req: CoreRequest, answer: OriginResponse, ms: number): CoreResponse {
    if (!validFinalStatus(answer.statusCode)) {
      // node:http2 throws on such a status and HTTP/3 clients reject it: the origin is broken (502).
      answer.body.dump().catch(() => {});
      report('error', ms);
      observer.event('warn', 'upstream request failed', { cause: 'invalid_status', status: answer.statusCode, method: req.method, upstream: upstream!.origin });
      return failureResponse({ outcome: 'error', status: 502, cause: 'invalid_status' }, false);
    }
    report('ok', ms);
    return toCoreResponse(req, answer, ms);
  }

  function toCoreResponse(req: CoreRequest, answer: OriginResponse, ms: number): CoreResponse {
    const headers = clientResponseHeaders(answer.headers, answer.statusCode);
    const res: CoreResponse = { status: answer.statusCode, headers, body: { kind: 'empty' }, route: 'proxy', upstreamMs: ms };
    // RFC 9110 §6.4.1: no content after HEAD, 204 and 304, whatever the framing fields say.
    if (req.method === 'HEAD' || answer.statusCode === 204 || answer.statusCode === 304) {
      answer.body.dump().catch(() => {});
      return res;
    }
    // Once headers are out, an origin failure can only cut the response: the listener's writer destroys it
    // when this stream errors. This listener also keeps an error from going unhandled when the client
    // left before the writer took the stream.
    answer.body.on('error', (err: Error & { code?: string }) => {
      if (!req.signal.aborted) observer.event('warn', 'upstream response cut', { cause: err.code ?? err.message, upstream: upstream!.origin });
    });
    res.body = { kind: 'stream', stream: answer.body };
    return res;
  }

  return {
    forward,
    tunnel,
    async probe() {
      try {
        const answer = await pool.request({
          method: 'OPTIONS',
          path: base + '/',
          headersTimeout: probeTimeoutMs,
          signal: AbortSignal.timeout(probeTimeoutMs),
        });
        await answer.body.dump();
        return true;
      } catch {
        return false;
      }
    },
    // Called after the listeners closed: whatever is still in flight has no client left, so the pool is
    // destroyed rather than closed gracefully.
    async close() {
      await pool.destroy().catch(() => {});
    },
  };
}

function createPool(upstream: URL, config: ProxyConfig): Pool {
  return new Pool(upstream.origin, {
    connections: config.upstreamConnections,
    // One request per connection at a time: pipelining makes one slow response stall the ones behind it.
    pipelining: 1,
    connect: { timeout: config.upstreamConnectTimeoutMs },
    // Time to the origin's response headers, counted once the request has been sent (→ 504).
    headersTimeout: config.upstreamTimeoutMs,
    // Silence between body chunks: the same bound as an idle client connection, since the client's
    // connection would time out on that silence anyway; long-polling and server-sent events fit under it.
    bodyTimeout: config.idleTimeoutMs,
  });
}
