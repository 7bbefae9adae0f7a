// Turns a decoded HTTP/3 request field section into a validated request head, and validates
// trailer sections. Pure: no I/O. Hand-written: HTTP/3 message rules (RFC 9114 §4.2, §4.3) sit on
// top of our own QPACK decoder, and no npm package validates them.
//
// A malformed message is a stream error of type H3_MESSAGE_ERROR (RFC 9114 §4.1.2). Checked:
// - field names: lower-case tokens (§4.2; RFC 9110 §5.1); values: no NUL/CR/LF, no leading or
//   trailing SP/HTAB (§4.2, RFC 9110 §5.5);
// - connection-specific fields (connection, keep-alive, proxy-connection, transfer-encoding,
//   upgrade) are forbidden; `te` may only be "trailers" (§4.2);
// - pseudo-headers (§4.3.1): only :method :scheme :authority :path, each at most once, all before
//   regular fields; :method, :scheme and a non-empty :path are required, except CONNECT (§4.4),
//   which has :method and :authority only. An "http"/"https" request needs :authority or Host,
//   non-empty, without userinfo, and equal when both are present; its :path starts with "/" or
//   is "*" for OPTIONS;
// - content-length: a single non-negative integer (RFC 9110 §8.6; several lines are refused, as
//   node:http refuses them for HTTP/1.1); Host: at most one line (as RFC 9112 §3.2 requires of h1).
//
// Repeated fields are combined as node:http's IncomingMessage.headers does, so the core sees the
// same shapes from every listener: `cookie` lines are joined with "; " (RFC 9114 §4.2.1),
// `set-cookie` is always an array, the single-valued fields node:http deduplicates keep their
// first value, and everything else is joined with ", ". The map has no prototype, so field names
// such as "__proto__" or "constructor" are plain keys.
import { isConnectionSpecific } from '../core/connection-specific.js';
import { isAuthority } from '../core/authority.js';
import { H3Code, H3Error, streamError } from './wire/error-codes.js';

export interface RequestHead {
  method: string;
  /** "" for CONNECT. */
  scheme: string;
  /** :authority, or else Host; "" when neither is present (possible only for non-http(s) schemes). */
  authority: string;
  /** "" for CONNECT. */
  path: string;
  /** Regular fields only (no pseudo-headers), combined as node:http combines them. */
  headers: Record<string, string | string[]>;
  /** The content-length value, or -1 when absent (RFC 9114 §4.1.2: DATA must add up to it). */
  contentLength: number;
}

// node:http's matchKnownFields: duplicates of these are discarded (the first value wins).
const FIRST_WINS = new Set([
  'age', 'authorization', 'content-type', 'etag', 'expires', 'from', 'if-modified-since', 'if-unmodified-since',
  'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent',
]);

// A field name: a lower-case token (RFC 9114 §4.2, RFC 9110 §5.6.2). A regular expression: V8 compiles
// it to a native scan, a third of the instructions of a table lookup per octet in a charCodeAt loop.
const NAME_PATTERN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

// Octet classes for :method and :scheme (:authority: src/core/authority.ts).
const METHOD = charTable("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
const SCHEME = charTable('+-.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');

function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(256);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
}

/** Validates a request field section (flat [name, value, ...] from decodeFieldSection). */
export function toRequestHead(fields: readonly string[]): RequestHead {
  checkPairs(fields);
  let method: string | undefined;
  let scheme: string | undefined;
  let authority: string | undefined;
  let path: string | undefined;
  let i = 0;
  for (; i < fields.length && fields[i].charCodeAt(0) === 0x3a; i += 2) {
    const name = fields[i];
    const value = fields[i + 1];
    checkValue(name, value);
    if (name === ':method' && method === undefined) method = value;
    else if (name === ':scheme' && scheme === undefined) scheme = value;
    else if (name === ':authority' && authority === undefined) authority = value;
    else if (name === ':path' && path === undefined) path = value;
    else throw malformed(`pseudo-header ${JSON.stringify(name)} repeated or not allowed in a request`);
  }
  const headers: Record<string, string | string[]> = Object.create(null);
  addRegularFields(fields, i, headers);
  const host = headers.host as string | undefined;
  const head = method === 'CONNECT' ? connectHead(scheme, authority, path) : requestHead(method, scheme, authority ?? host, path);
  if (authority !== undefined && host !== undefined && authority !== host) throw malformed(':authority and Host differ');
  head.headers = headers;
  head.contentLength = contentLength(headers['content-length']);
  return head;
}

/** Validates a trailer section: no pseudo-headers, same field rules as a header section. */
export function validateTrailers(fields: readonly string[]): Record<string, string | string[]> {
  checkPairs(fields);
  const trailers: Record<string, string | string[]> = Object.create(null);
  addRegularFields(fields, 0, trailers);
  return trailers;
}

function connectHead(scheme: string | undefined, authority: string | undefined, path: string | undefined): RequestHead {
  // §4.4: CONNECT carries :authority (host:port) and omits :scheme and :path.
  if (scheme !== undefined || path !== undefined) throw malformed('CONNECT with :scheme or :path');
  if (authority === undefined || authority.length === 0) throw malformed('CONNECT without :authority');
  checkAuthority(authority);
  return { method: 'CONNECT', scheme: '', authority, path: '', headers: {}, contentLength: -1 };
}

function requestHead(method: string | undefined, scheme: string | undefined, authority: string | undefined, path: string | undefined): RequestHead {
  if (method === undefined || scheme === undefined || path === undefined) throw malformed('missing :method, :scheme or :path');
  checkToken(method, METHOD, ':method');
  checkToken(scheme, SCHEME, ':scheme');
  if (path.length === 0) throw malformed('empty :path');
  checkPath(path);
  const web = scheme === 'https' || scheme === 'http';
  if (web) {
    if (authority === undefined || authority.length === 0) throw malformed('http(s) request without :authority or Host');
    // §4.3.1: origin-form, or "*" for OPTIONS only.
    if (path.charCodeAt(0) !== 0x2f && !(path === '*' && method === 'OPTIONS')) throw malformed(`:path ${JSON.stringify(path)} is not origin-form`);
  }
  if (authority !== undefined) checkAuthority(authority);
  return { method, scheme, authority: authority ?? '', path, headers: {}, contentLength: -1 };
}

function checkPairs(fields: readonly string[]): void {
  if (fields.length % 2 !== 0) throw new TypeError('field list must hold name/value pairs');
}

function addRegularFields(fields: readonly string[], start: number, headers: Record<string, string | string[]>): void {
  for (let i = start; i < fields.length; i += 2) {
    const name = fields[i];
    const value = fields[i + 1];
    checkName(name);
    checkValue(name, value);
    if (isConnectionSpecific(name)) throw malformed(`connection-specific field ${name}`);
    if (name === 'te' && value.toLowerCase() !== 'trailers') throw malformed('te other than "trailers"');
    addField(headers, name, value);
  }
}

function addField(headers: Record<string, string | string[]>, name: string, value: string): void {
  const existing = headers[name];
  if (name === 'set-cookie') {
    if (existing === undefined) headers[name] = [value];
    else (existing as string[]).push(value);
    return;
  }
  if (existing === undefined) {
    headers[name] = value;
    return;
  }
  if (name === 'content-length' || name === 'host') throw malformed(`more than one ${name} field`);
  if (FIRST_WINS.has(name)) return;
  headers[name] = `${existing as string}${name === 'cookie' ? '; ' : ', '}${value}`;
}

function contentLength(value: string | string[] | undefined): number {
  if (value === undefined) return -1;
  const text = value as string;
  if (text.length === 0 || text.length > 16) throw malformed('invalid content-length');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) throw malformed('invalid content-length');
  }
  const length = Number(text);
  if (!Number.isSafeInteger(length)) throw malformed('content-length too large');
  return length;
}

function checkName(name: string): void {
  if (name.length === 0) throw malformed('empty field name');
  if (name.charCodeAt(0) === 0x3a) throw malformed(`pseudo-header ${JSON.stringify(name)} after regular fields or in trailers`);
  if (!NAME_PATTERN.test(name)) throw malformed(`invalid field name ${JSON.stringify(name)}`);
}

function checkValue(name: string, value: string): void {
  const last = value.length - 1;
  if (last < 0) return;
  const first = value.charCodeAt(0);
  const end = value.charCodeAt(last);
  if (first === 0x20 || first === 0x09 || end === 0x20 || end === 0x09) throw malformed(`${JSON.stringify(name)} value has surrounding whitespace`);
  // RFC 9114 §4.2: NUL, CR and LF are never valid in a field value. Three indexOf calls, because V8
  // searches a one-octet string for one character with memchr: a charCodeAt loop cost ~24 instructions
  // an octet, a regular expression ~8 (callgrind), a browser's request ~300 octets of values.
  if (value.indexOf('\0') !== -1 || value.indexOf('\n') !== -1 || value.indexOf('\r') !== -1) {
    throw malformed(`${JSON.stringify(name)} value contains NUL, CR or LF`);
  }
}

function checkToken(value: string, table: Uint8Array, what: string): void {
  if (value.length === 0) throw malformed(`empty ${what}`);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || table[c] === 0) throw malformed(`invalid ${what} ${JSON.stringify(value)}`);
  }
}

// §4.3.1: no userinfo ("@" is not in the table), nothing outside RFC 3986 authority characters.
function checkAuthority(authority: string): void {
  if (!isAuthority(authority)) throw malformed(`invalid authority ${JSON.stringify(authority)}`);
}

// A request target never holds controls, spaces or DEL (RFC 9112 §3.2 / RFC 3986); anything else
// is left for the router to judge.
function checkPath(path: string): void {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) throw malformed(':path contains a control character or space');
  }
}

function malformed(message: string): H3Error {
  return streamError(H3Code.H3_MESSAGE_ERROR, `malformed request: ${message}`);
}
