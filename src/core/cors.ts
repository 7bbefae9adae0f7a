// CORS (the Fetch standard's CORS protocol): off unless RWS_CONFIG_CORS_ALLOW_ORIGINS is set. With `*`
// every origin may read responses; with a list, only those origins, echoed back with Vary: Origin so a
// shared cache keeps one answer per origin. Credentials are never allowed (`*` forbids them, and an edge
// has no business granting cookies to other sites). Preflights are answered here, not forwarded.
import type { Config } from './config/options.js';
import type { CoreRequest, CoreResponse, ResponseHeaders } from './contract.js';
import type { CorsPolicy } from './handlers.js';

const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
// Browsers cap the preflight cache anyway (Chromium: 2 h); asking for more changes nothing.
const MAX_AGE = '7200';
// A field-name list (RFC 9110 §5.6.1 tokens), the only thing echoed back from a preflight.
const tokenList = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

export function createCors(config: Config): CorsPolicy | undefined {
  const origins = config.corsAllowOrigins;
  if (origins === undefined) return undefined;
  const any = origins === '*';
  const allowed = new Set(any ? [] : origins);

  /** The Access-Control-Allow-Origin value for this request, or undefined when not allowed. */
  function allowOrigin(req: CoreRequest): string | undefined {
    const origin = req.headers.origin;
    if (typeof origin !== 'string') return undefined;
    if (any) return '*';
    return allowed.has(origin) ? origin : undefined;
  }

  return {
    preflight(req) {
      // A preflight is an OPTIONS with Access-Control-Request-Method; any other OPTIONS is a normal request.
      if (req.method !== 'OPTIONS' || typeof req.headers['access-control-request-method'] !== 'string') return null;
      // No Content-Length: a 204 must not carry one (RFC 9110 §8.6).
      const headers: ResponseHeaders = {};
      const origin = allowOrigin(req);
      // A refused origin still gets a 204, without the allow fields: the browser then blocks the request.
      if (origin !== undefined) {
        headers['access-control-allow-origin'] = origin;
        headers['access-control-allow-methods'] = ALLOW_METHODS;
        const asked = req.headers['access-control-request-headers'];
        if (typeof asked === 'string' && tokenList.test(asked.trim())) headers['access-control-allow-headers'] = asked.trim();
        headers['access-control-max-age'] = MAX_AGE;
      }
      if (!any) headers.vary = 'Origin';
      return { status: 204, headers, body: { kind: 'empty' }, route: 'preflight' };
    },
    apply(req, res) {
      // Vary: Origin on every response of a list policy, with or without Origin in the request: a cached
      // answer without the allow field must not be served to an allowed origin, or the other way round.
      if (!any) addVary(res, 'Origin');
      if (res.headers['access-control-allow-origin'] !== undefined) return;
      const origin = allowOrigin(req);
      if (origin !== undefined) res.headers['access-control-allow-origin'] = origin;
    },
  };
}

function addVary(res: CoreResponse, name: string): void {
  const cur = res.headers.vary;
  if (cur === undefined) {
    res.headers.vary = name;
    return;
  }
  const list = String(cur);
  if (list.split(',').some((v) => v.trim().toLowerCase() === name.toLowerCase() || v.trim() === '*')) return;
  res.headers.vary = `${list}, ${name}`;
}
