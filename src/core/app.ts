// The core: one `handle(request) → response` for every listener. It routes internal endpoints, CORS
// preflights, static files and the proxy, and adds the headers every response carries. Protocol
// differences stay in the listeners; the only protocol-aware decision here is Alt-Svc, which RFC 7838
// makes a property of the origin's TLS responses.
import type { Core, CoreRequest, CoreResponse, CutReason, ExchangeEnd, Protocol, Refusal, Tunnel } from './contract.js';
import type { Config } from './config/options.js';
import { releaseBody } from './file-body.js';
import type { CorsPolicy, ProxyHandler, StaticHandler } from './handlers.js';
import { httpsRedirect } from './https-redirect.js';
import { internalRoute, serveInternal } from './internal-endpoints.js';
import type { Lifecycle } from './lifecycle.js';
import type { Observer } from './observer.js';
import { requestId } from './observability/request-id.js';
import { textResponse } from './responses.js';

export interface CoreParts {
  config: Config;
  lifecycle: Lifecycle;
  observer: Observer;
  staticFiles: StaticHandler;
  proxy?: ProxyHandler | undefined;
  cors?: CorsPolicy | undefined;
  /** false for the main listeners when RWS_CONFIG_ADMIN_PORT moves the internal endpoints away. */
  serveInternalEndpoints: boolean;
  /** true for the admin listener: nothing but the internal endpoints. */
  adminOnly?: boolean;
  /** The TLS port as bound (differs from config.tlsPort when that is 0). */
  boundTlsPort?: () => number | undefined;
}

export function createCore(parts: CoreParts): Core {
  const { config, lifecycle, observer, staticFiles, proxy, cors } = parts;
  // The advertised port is the configured one, or the TLS port as bound (known only after listen()).
  let altSvc: string | undefined;
  const altSvcHeader = (): string | undefined => {
    if (!config.h3 || !config.tls) return undefined;
    return (altSvc ??= `h3=":${config.altSvcPort ?? parts.boundTlsPort?.() ?? config.tlsPort}"; ma=${config.altSvcMaxAge}`);
  };
  const hsts = config.hsts.toLowerCase() === 'off' ? undefined : config.hsts;
  const toHttps = config.httpsRedirect ? httpsRedirect(() => config.altSvcPort ?? parts.boundTlsPort?.() ?? config.tlsPort) : undefined;

  type Answer = CoreResponse | Tunnel;

  // Synchronous up to the first step that needs I/O, so health checks and refusals cost no Promise.
  // `upgrade`: the listener can hand the connection over (Core.handleUpgrade); only the proxy makes use of it.
  function route(req: CoreRequest, upgrade: boolean): Answer | Promise<Answer> {
    if (req.refused !== undefined) return refusal(req.refused);
    if (req.path === '*') return asteriskForm(req);
    const internal = parts.serveInternalEndpoints || parts.adminOnly ? internalRoute(req.path) : undefined;
    if (internal !== undefined) return serveInternal(internal, req, lifecycle, observer);
    if (parts.adminOnly) return textResponse(404, 'not found', 'not_found');
    const redirect = toHttps?.(req);
    if (redirect !== undefined) return redirect;
    if (tooLarge(req)) return textResponse(413, 'request body too large', 'too_large', { connection: 'close' });
    const preflight = cors?.preflight(req);
    if (preflight) return preflight;
    return serveMain(req, upgrade);
  }

  async function serveMain(req: CoreRequest, upgrade: boolean): Promise<Answer> {
    const file = await staticFiles.serve(req);
    if (file !== null) return file;
    if (proxy !== undefined) return upgrade ? tunnel(req) : proxy.forward(req);
    return staticFiles.notFound(req);
  }

  async function tunnel(req: CoreRequest): Promise<Answer> {
    const answer = await proxy!.tunnel(req);
    // Counted from here to Core.finish, which the listener calls once the tunnel closes (or was never used).
    if ('origin' in answer) observer.tunnelOpened();
    return answer;
  }

  function refusal(r: Refusal): CoreResponse {
    const what = r.status === 400 ? 'bad request' : 'not implemented';
    return textResponse(r.status, `${what}: ${r.reason}`, 'bad_request', { connection: 'close' });
  }

  // The asterisk-form target names the server itself, and only OPTIONS may use it (RFC 9112 §3.2.4,
  // RFC 9110 §9.3.7): the edge answers for itself (its origin's resources are not the target), with no
  // content. Anything else with "*" is malformed.
  function asteriskForm(req: CoreRequest): CoreResponse {
    if (req.method !== 'OPTIONS') return textResponse(400, 'bad request: "*" is for OPTIONS only', 'bad_request');
    return { status: 204, headers: {}, body: { kind: 'empty' }, route: 'other' };
  }

  function tooLarge(req: CoreRequest): boolean {
    const cl = req.headers['content-length'];
    return typeof cl === 'string' && Number(cl) > config.maxBodySize;
  }

  function failed(req: CoreRequest, e: unknown): CoreResponse {
    observer.event('error', 'request failed', { err: String((e as Error)?.stack ?? e), path: req.path });
    return textResponse(500, 'internal server error', 'error');
  }

  // Headers every response carries; Alt-Svc only on TLS over TCP, and not once draining (a leaving pod
  // must not invite clients to open new QUIC connections to it).
  function decorate<A extends Answer>(req: CoreRequest, answer: A): A {
    const res = responseOf(answer);
    const h = res.headers;
    h['x-content-type-options'] = 'nosniff';
    h['referrer-policy'] = config.referrerPolicy;
    h['x-request-id'] = req.requestId!;
    if (req.scheme === 'https') {
      if (hsts !== undefined) h['strict-transport-security'] = hsts;
      const alt = req.protocol === 'h3' || lifecycle.isDraining() ? undefined : altSvcHeader();
      if (alt !== undefined) h['alt-svc'] = alt;
    }
    cors?.apply(req, res);
    return answer;
  }

  function run(req: CoreRequest, upgrade: boolean): Answer | Promise<Answer> {
    observer.requestStarted(req.protocol);
    req.requestId = requestId(req.headers['x-request-id']);
    let res: Answer | Promise<Answer>;
    try {
      res = route(req, upgrade);
    } catch (e) {
      return decorate(req, failed(req, e));
    }
    if (res instanceof Promise) {
      return res.then(
        (r) => decorate(req, r),
        (e: unknown) => decorate(req, failed(req, e)),
      );
    }
    return decorate(req, res);
  }

  return {
    // Without `upgrade`, route never answers a Tunnel.
    handle: (req) => run(req, false) as CoreResponse | Promise<CoreResponse>,
    handleUpgrade: (req) => run(req, true),
    finish(req: CoreRequest, res: CoreResponse, end: ExchangeEnd, startedAt: number) {
      // 101 is only ever a tunnel's response: the proxy turns any other 1xx from an origin into a 502.
      if (res.status === 101) observer.tunnelClosed();
      releaseBody(res.body, end.aborted);
      observer.requestFinished(req, res, end, performance.now() - startedAt);
    },
    connectionOpened(protocol: Protocol) {
      observer.connectionOpened(protocol);
    },
    connectionClosed(protocol: Protocol) {
      observer.connectionClosed(protocol);
    },
    connectionCut(protocol: Protocol, reason: CutReason, remoteAddress: string | undefined) {
      observer.connectionCut(protocol, reason, remoteAddress);
    },
    draining() {
      return lifecycle.isDraining();
    },
  };
}

/** A tunnel's 101 head, or the response itself. */
function responseOf(answer: CoreResponse | Tunnel): CoreResponse {
  return 'origin' in answer ? answer.response : answer;
}
