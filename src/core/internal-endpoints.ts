// /healthz (liveness), /readyz (readiness) and /metrics. Query strings are ignored; answers are never cached.
import type { CoreRequest, CoreResponse } from './contract.js';
import type { Lifecycle } from './lifecycle.js';
import type { Observer } from './observer.js';
import { textResponse, withoutBody } from './responses.js';

export type InternalRoute = 'healthz' | 'readyz' | 'metrics';

/** Which internal endpoint a path names, ignoring the query; undefined for any other path. */
export function internalRoute(path: string): InternalRoute | undefined {
  if (path.charCodeAt(0) !== 47 /* / */) return undefined;
  const q = path.indexOf('?');
  const p = q === -1 ? path : path.slice(0, q);
  if (p === '/healthz') return 'healthz';
  if (p === '/readyz') return 'readyz';
  if (p === '/metrics') return 'metrics';
  return undefined;
}

export function serveInternal(
  route: InternalRoute,
  req: CoreRequest,
  lifecycle: Lifecycle,
  observer: Observer,
): CoreResponse | Promise<CoreResponse> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return textResponse(405, 'method not allowed', route, { allow: 'GET, HEAD' });
  }
  let res: CoreResponse;
  if (route === 'healthz') {
    // Liveness stays 200 while draining: a liveness failure would kill a pod that is finishing requests.
    res = textResponse(200, 'ok', route);
  } else if (route === 'readyz') {
    res = lifecycle.isReady() ? textResponse(200, 'ready', route) : textResponse(503, lifecycle.phase, route);
  } else {
    return serveMetrics(observer).then((m) => forMethod(req, m));
  }
  return forMethod(req, res);
}

function forMethod(req: CoreRequest, res: CoreResponse): CoreResponse {
  return req.method === 'HEAD' ? withoutBody(res) : res;
}

async function serveMetrics(observer: Observer): Promise<CoreResponse> {
  const m = await observer.metrics();
  const data = Buffer.from(m.body);
  return {
    status: 200,
    headers: { 'content-type': m.contentType, 'content-length': data.length, 'cache-control': 'no-store' },
    body: { kind: 'bytes', data },
    route: 'metrics',
  };
}
