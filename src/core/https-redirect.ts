// RWS_CONFIG_HTTPS_REDIRECT: requests on the plain listener are sent to the same URL over https
// (what Caddy does by default, and nginx and Traefik by configuration). 308 (RFC 9110 §15.4.9) keeps
// the method and body, so a POST to http:// is repeated as a POST, not turned into a GET as a 301 may be.
// The target port is the public TLS port, the one Alt-Svc advertises (RWS_CONFIG_ALT_SVC_PORT: behind
// a Service mapping 443 → 7443 that is 443, and the URL carries no port).
//
// Left on plain HTTP: the internal endpoints (routed before this; kubelet probes and scrapers speak
// plain HTTP) and ACME HTTP-01 challenges, which a CA fetches over http:// by definition (RFC 8555
// §8.3). A request without a Host has no name to redirect to and is served as it is.
import type { CoreRequest, CoreResponse } from './contract.js';
import { textResponse, withoutBody } from './responses.js';

const ACME_CHALLENGE = '/.well-known/acme-challenge/';

/** `httpsPort`: the public TLS port (omitted from the URL when 443). */
export function httpsRedirect(httpsPort: () => number): (req: CoreRequest) => CoreResponse | undefined {
  return (req) => {
    if (req.scheme !== 'http' || req.authority === '' || req.path.startsWith(ACME_CHALLENGE)) return undefined;
    const port = httpsPort();
    const location = 'https://' + hostOf(req.authority) + (port === 443 ? '' : ':' + port) + req.path;
    const res = textResponse(308, 'permanent redirect to https', 'redirect', { location });
    return req.method === 'HEAD' ? withoutBody(res) : res;
  };
}

// The host of an authority the listener has validated (src/core/authority.ts): an IP-literal keeps
// its brackets; a port, if any, follows the last colon outside them.
function hostOf(authority: string): string {
  if (authority.charCodeAt(0) === 0x5b /* [ */) return authority.slice(0, authority.indexOf(']') + 1);
  const colon = authority.lastIndexOf(':');
  return colon === -1 ? authority : authority.slice(0, colon);
}
