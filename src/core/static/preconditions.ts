// Conditional requests, evaluated in the order of RFC 9110 §13.2.2 for a GET or HEAD of an existing
// representation. Hand-written rather than `fresh`: fresh covers only the 304 half, and it treats a
// request's Cache-Control: no-cache as "never 304", which RFC 9110 does not ask of an origin.
import type { RequestHeaders } from '../contract.js';
import { parseHttpDate } from './http-date.js';

export type Precondition = 'proceed' | 'not-modified' | 'failed';

export interface Validators {
  readonly etag: string;
  /** Last-Modified as ms since epoch, whole seconds. */
  readonly mtimeSec: number;
}

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE (RFC 9110 §8.8.3); etagc may include commas.
const entityTag = /(?:W\/)?"[^"]*"/g;

export function evaluatePreconditions(h: RequestHeaders, v: Validators): Precondition {
  const ifMatch = one(h['if-match']);
  if (ifMatch !== undefined) {
    // §13.1.1: strong comparison; "*" matches any current representation.
    if (!matches(ifMatch, v.etag, true)) return 'failed';
  } else {
    const ius = httpDate(one(h['if-unmodified-since']));
    // §13.1.4: ignored when not a valid date.
    if (ius !== undefined && v.mtimeSec > ius) return 'failed';
  }
  const ifNoneMatch = one(h['if-none-match']);
  if (ifNoneMatch !== undefined) {
    // §13.1.2: weak comparison; for GET/HEAD a match is 304. If-Modified-Since is then ignored.
    return matches(ifNoneMatch, v.etag, false) ? 'not-modified' : 'proceed';
  }
  const ims = httpDate(one(h['if-modified-since']));
  if (ims !== undefined && v.mtimeSec <= ims) return 'not-modified';
  return 'proceed';
}

/**
 * §13.1.5: whether a Range may be honoured. An entity-tag must match strongly (a weak tag never does);
 * a date must equal Last-Modified exactly. Anything else means "send the whole representation".
 */
export function ifRangeAllows(h: RequestHeaders, v: Validators): boolean {
  const value = one(h['if-range']);
  if (value === undefined) return true;
  const t = value.trim();
  if (t.startsWith('"')) return t === v.etag && !v.etag.startsWith('W/');
  if (t.startsWith('W/')) return false;
  return httpDate(t) === v.mtimeSec;
}

function matches(list: string, etag: string, strong: boolean): boolean {
  if (list.trim() === '*') return true;
  if (strong && etag.startsWith('W/')) return false;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const m of list.matchAll(entityTag)) {
    const tag = m[0];
    if (strong ? tag === etag : (tag.startsWith('W/') ? tag.slice(2) : tag) === opaque) return true;
  }
  return false;
}

// §13.1.3, §13.1.4: a value that is not an HTTP-date is ignored.
function httpDate(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseHttpDate(value);
}

/** A header as one string; repeated fields are a comma-separated list (RFC 9110 §5.3). */
function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}
