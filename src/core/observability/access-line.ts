// One access-log line per request, built by string concatenation. pino's logger.info({...}) costs about
// four times as much per line (an object, its key walk, and a stringify per value) and the budget for
// logging plus metrics is a few microseconds per request, so the request line is formatted here and only
// the write path is pino's (logger.ts). Field names and formats: docs/metrics.md.
// Nothing from the request's headers is logged except User-Agent and Referer: Authorization, Cookie and
// Set-Cookie values can never reach a log line from here.
import type { CoreRequest, CoreResponse, ExchangeEnd, Protocol } from '../contract.js';
import { isoNow } from './iso-time.js';
import { ROUTES, routeIndex } from './labels.js';

/** Longest path, user agent or referer logged, in characters; the rest is cut (bounds line size). */
const maxField = 2048;

function header(v: string | string[] | undefined): string {
  return field(typeof v === 'string' ? v : v === undefined ? '' : (v[0] ?? ''));
}

function field(s: string): string {
  return s.length > maxField ? s.slice(0, maxField) : s;
}

// Characters that need a JSON escape, and non-ASCII (left to JSON.stringify so a lone surrogate cannot
// make the line invalid). A regex test does not allocate; JSON.stringify copies every string.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const needsEscape = /["\\\x00-\x1f\x7f-\uffff]/;

/** A JSON string literal: the common printable-ASCII case by concatenation, the rest by JSON.stringify. */
export function jsonString(s: string): string {
  return needsEscape.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** The inside of jsonString(s), without the quotes. */
function jsonInner(s: string): string {
  return needsEscape.test(s) ? JSON.stringify(s).slice(1, -1) : s;
}

/**
 * Milliseconds with three decimals as a JSON number ("12.050"), from integers: V8 caches small integers'
 * strings, and this is about three times cheaper than printing a double.
 */
export function ms(v: number): string {
  if (!(v >= 0)) return '0.000';
  const us = Math.round(v * 1000);
  const frac = us % 1000;
  return (us - frac) / 1000 + (frac < 10 ? '.00' : frac < 100 ? '.0' : '.') + frac;
}

export function jsonAccessLine(req: CoreRequest, res: CoreResponse, end: ExchangeEnd, durationMs: number): string {
  // Fields from the client go through jsonString (quoted, escaped when needed); the request id
  // (validated or generated), the socket's address and the folded route are safe as they are.
  let line =
    '{"time":"' +
    isoNow() +
    '","level":"info","msg":"request","req_id":"' +
    (req.requestId ?? '') +
    '","remote_addr":"' +
    req.remoteAddress +
    '","method":' +
    jsonString(field(req.method)) +
    ',"path":' +
    jsonString(field(req.path)) +
    ',"protocol":"' +
    req.protocol +
    '","status":' +
    res.status +
    ',"bytes":' +
    end.bytesSent +
    ',"duration_ms":' +
    ms(durationMs) +
    ',"user_agent":' +
    jsonString(header(req.headers['user-agent'])) +
    ',"referer":' +
    jsonString(header(req.headers['referer'])) +
    ',"route":"' +
    ROUTES[routeIndex(res.route)] +
    '"';
  if (res.upstreamMs !== undefined) line += ',"upstream_ms":' + ms(res.upstreamMs);
  if (end.aborted) line += ',"aborted":true';
  return line + '}\n';
}

const versions: Record<Protocol, string> = { h1: 'HTTP/1.1', h2: 'HTTP/2', h3: 'HTTP/3' };

function quoted(s: string): string {
  return s === '' ? '"-"' : jsonString(s);
}

/**
 * The combined log format (remote, ident, user, [time], "request line", status, bytes, "referer",
 * "user agent") with ISO 8601 time, JSON-escaped quoted fields, and the duration, request id and origin
 * time appended.
 */
export function textAccessLine(req: CoreRequest, res: CoreResponse, end: ExchangeEnd, durationMs: number): string {
  let line =
    (req.remoteAddress || '-') +
    ' - - [' +
    isoNow() +
    '] "' +
    jsonInner(field(req.method)) +
    ' ' +
    jsonInner(field(req.path)) +
    ' ' +
    versions[req.protocol] +
    '" ' +
    res.status +
    ' ' +
    end.bytesSent +
    ' ' +
    quoted(header(req.headers['referer'])) +
    ' ' +
    quoted(header(req.headers['user-agent'])) +
    ' ' +
    ms(durationMs) +
    'ms req_id=' +
    (req.requestId ?? '-');
  if (res.upstreamMs !== undefined) line += ' upstream_ms=' + ms(res.upstreamMs);
  if (end.aborted) line += ' aborted';
  return line + '\n';
}
