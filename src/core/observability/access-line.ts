// One access-log line per request, built by string concatenation. pino's logger.info({...}) costs about
// four times as much per line (an object, its key walk, and a stringify per value) and the budget for
// logging plus metrics is a few microseconds per request, so the request line is formatted here and only
// the write path is pino's (logger.ts). Field names and formats: docs/metrics.md.
// Nothing from the request's headers is logged except User-Agent and Referer: Authorization, Cookie and
// Set-Cookie values can never reach a log line from here.
import type { CoreRequest, CoreResponse, ExchangeEnd, Protocol } from '../contract.js';
import { isoNow } from './iso-time.js';
import { METHODS, ROUTES, methodIndex, routeIndex } from './labels.js';

/** Longest path, user agent or referer logged, in characters; the rest is cut (bounds line size). */
const maxField = 2048;

function header(v: string | string[] | undefined): string {
  return typeof v === 'string' ? v : v === undefined ? '' : (v[0] ?? '');
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

// Pieces of the JSON line that depend only on a small label, built once: each saved `+` is a cons-string
// node V8 allocates and later walks when the line is written (the line below has ~17 of them where it
// had ~25), and a known method or an empty field skips the escape test. Counted with callgrind, line
// and batch write of a bench-like request: ~7.8k → ~6.4k instructions; with a browser's User-Agent
// ~9.8k → ~8.5k.
const methodJson = METHODS.map((m) => '"' + m + '"');
const otherMethod = METHODS.length - 1;
const protocolThenStatus: Record<Protocol, string> = {
  h1: ',"protocol":"h1","status":',
  h2: ',"protocol":"h2","status":',
  h3: ',"protocol":"h3","status":',
};
const routeField = ROUTES.map((r) => ',"route":"' + r + '"');
const routeFieldEnd = routeField.map((f) => f + '}\n');
// The line's opening up to the request id, kept while isoNow() returns the same string (one millisecond).
let openingTime = '';
let opening = '';

/** A client's text as a JSON string: capped, quoted, escaped when needed; empty fields are common. */
function jsonText(s: string): string {
  return s === '' ? '""' : jsonString(field(s));
}

export function jsonAccessLine(req: CoreRequest, res: CoreResponse, end: ExchangeEnd, durationMs: number): string {
  const time = isoNow();
  if (time !== openingTime) {
    openingTime = time;
    opening = '{"time":"' + time + '","level":"info","msg":"request","req_id":"';
  }
  const m = methodIndex(req.method);
  const r = routeIndex(res.route);
  // Fields from the client go through jsonText (quoted, escaped when needed); the request id
  // (validated or generated), the socket's address and the folded route are safe as they are.
  const line =
    opening +
    (req.requestId ?? '') +
    '","remote_addr":"' +
    req.remoteAddress +
    '","method":' +
    (m === otherMethod ? jsonText(req.method) : methodJson[m]) +
    ',"path":' +
    jsonText(req.path) +
    protocolThenStatus[req.protocol] +
    res.status +
    ',"bytes":' +
    end.bytesSent +
    ',"duration_ms":' +
    ms(durationMs) +
    ',"user_agent":' +
    jsonText(header(req.headers['user-agent'])) +
    ',"referer":' +
    jsonText(header(req.headers['referer']));
  if (res.upstreamMs === undefined && !end.aborted) return line + routeFieldEnd[r];
  let rest = routeField[r];
  if (res.upstreamMs !== undefined) rest += ',"upstream_ms":' + ms(res.upstreamMs);
  // A tunnel (always proxied, so on this path): its line says what went each way, and how long it was open.
  if (res.status === 101) rest += ',"bytes_received":' + end.bytesReceived;
  if (end.aborted) rest += ',"aborted":true';
  return line + rest + '}\n';
}

const versions: Record<Protocol, string> = { h1: 'HTTP/1.1', h2: 'HTTP/2', h3: 'HTTP/3' };

/** The text format writes an empty field as "-" (combined log format); otherwise as the JSON line does. */
function quoted(s: string): string {
  return s === '' ? '"-"' : jsonText(s);
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
    (req.httpVersion === '1.0' ? 'HTTP/1.0' : versions[req.protocol]) +
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
  if (res.status === 101) line += ' bytes_received=' + end.bytesReceived;
  if (end.aborted) line += ' aborted';
  return line + '\n';
}
