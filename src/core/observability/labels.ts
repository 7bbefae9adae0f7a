// Label values of the request metrics, folded to small integer ids on the hot path. Every label set is
// bounded so that no client can create series at will (ten thousand URLs must not become ten thousand
// series): paths never become labels, unknown routes fold into `other`, unknown methods into `OTHER`,
// status codes are 3-digit numbers only.
import type { Protocol } from '../contract.js';

/** Every protocol label; adding HTTP/4 is one entry here. */
export const PROTOCOLS: readonly Protocol[] = ['h1', 'h2', 'h3'];

export function protocolIndex(p: Protocol): number {
  // A switch on internalised string constants beats a Map lookup here.
  switch (p) {
    case 'h1':
      return 0;
    case 'h2':
      return 1;
    default:
      return 2;
  }
}

/** RFC 9110 §9 methods plus PATCH (RFC 5789); anything else is OTHER (its index is the list length). */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE', 'OTHER'] as const;

export function methodIndex(m: string): number {
  switch (m) {
    case 'GET':
      return 0;
    case 'HEAD':
      return 1;
    case 'POST':
      return 2;
    case 'PUT':
      return 3;
    case 'DELETE':
      return 4;
    case 'PATCH':
      return 5;
    case 'OPTIONS':
      return 6;
    case 'CONNECT':
      return 7;
    case 'TRACE':
      return 8;
    default:
      return 9;
  }
}

/**
 * CoreResponse.route templates the metrics know. A route not listed here is reported as `other`: add
 * new route templates to this list (and to docs/metrics.md) when a handler introduces one. A refusal
 * by method (405) keeps the route of what it refused (`healthz`, `static`, `proxy`): status_code says
 * it was refused, the route says what was asked for.
 */
export const ROUTES = [
  'healthz',
  'readyz',
  'metrics',
  'static',
  'proxy',
  'preflight',
  'redirect',
  'not_found',
  'bad_request',
  'too_large',
  'error',
  'other',
] as const;
/** A route template: CoreResponse.route takes only these, so a misspelt route fails to compile. */
export type Route = (typeof ROUTES)[number];
// request-stats.ts packs the route id into 5 bits.
if (ROUTES.length > 32) throw new Error('at most 32 route templates');
const routeIds = new Map<string, number>(ROUTES.map((r, i) => [r, i]));
const otherRoute = ROUTES.length - 1;

export function routeIndex(route: string | undefined): number {
  return route === undefined ? otherRoute : (routeIds.get(route) ?? otherRoute);
}

/** Status codes are labels only when they have three digits (RFC 9110 §15); 0 otherwise. */
export function statusCode(status: number): number {
  return status >= 100 && status <= 999 && Number.isInteger(status) ? status : 0;
}

/** The status_code label value of a folded status code. */
export function statusLabel(code: number): string {
  return code === 0 ? 'other' : String(code);
}

/** Why a request counts as failed, most specific first; each failed request counts once. */
export const ERROR_REASONS = ['5xx', 'client_aborted', 'upstream_error', 'upstream_timeout'] as const;
/** Indexes into ERROR_REASONS. */
export const reason = { server: 0, clientAborted: 1, upstreamError: 2, upstreamTimeout: 3 } as const;

/**
 * A label whose values come from another module (QUIC drop reasons, close codes) and are not known
 * here: the first `max` distinct well-formed values are kept, anything beyond or malformed is `other`.
 */
export class CappedLabel {
  readonly #ids = new Map<string, number>();
  readonly values: string[] = [];
  readonly #max: number;

  constructor(max: number, preset: readonly string[] = []) {
    this.#max = max;
    for (const v of preset) this.id(v);
  }

  id(value: string | undefined): number {
    const known = value === undefined ? undefined : this.#ids.get(value);
    if (known !== undefined) return known;
    const v = value !== undefined && this.values.length < this.#max && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : 'other';
    let id = this.#ids.get(v);
    if (id === undefined) {
      id = this.values.push(v) - 1;
      this.#ids.set(v, id);
    }
    return id;
  }
}
