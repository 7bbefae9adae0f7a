// QPACK field-section encoder (RFC 9204 §4.5) that never uses the dynamic table: exact static
// matches become Indexed Field Lines, static names become Literal Field Lines with Name Reference,
// anything else a Literal Field Line with Literal Name. Strings are Huffman-coded only when that
// is shorter. Without dynamic references the Required Insert Count and Delta Base are both 0, the
// section never blocks the peer's decoder, and no encoder-stream traffic is needed. Hand-written:
// no npm package does QPACK for Node.
//
// Two entry points: encodeFieldSection takes a flat [name, value, ...] array (any fields, pseudo
// or not, in order); encodeResponseHead takes a status and a response header map (as
// CoreResponse carries) and strips connection-specific fields (RFC 9114 §4.2).
//
// Strings are written as octets (latin1): a char above 0xFF, or NUL/CR/LF in a value, is a
// programming error upstream and throws TypeError rather than putting an invalid field on the wire
// (RFC 9114 §4.2, RFC 9110 §5.5). Names are lower-cased (§4.2 requires lower-case names) and must be
// tokens (pseudo-header names may start with ':').
import { isConnectionSpecific } from '../../core/connection-specific.js';
import { huffmanEncode, huffmanEncodedLength } from './huffman.js';
import { writePrefixInt } from './prefix-int.js';
import { staticEntry } from './static-table.js';

/** Header map accepted by encodeResponseHead (CoreResponse['headers'] fits). */
export type ResponseHeaderMap = Readonly<Record<string, string | number | readonly string[] | undefined>>;

// RFC 9110 §5.6.2 tchar, by octet.
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN[c.charCodeAt(0)] = 1;

// Encoding is synchronous: one growable buffer serves every call; each result is a right-sized copy.
let out = new Uint8Array(4096);
let pos = 0;

/** Encodes a flat [name, value, name, value, ...] list as a field section (HEADERS frame payload). */
export function encodeFieldSection(fields: readonly string[]): Uint8Array {
  if (fields.length % 2 !== 0) throw new TypeError('encodeFieldSection: odd number of strings');
  begin();
  for (let i = 0; i < fields.length; i += 2) writeField(fields[i], fields[i + 1]);
  return finish();
}

/**
 * Encodes a response head: `:status` first, then `lines` (field lines already encoded, such as the
 * listener's Date), then every header (arrays as repeated fields, numbers in decimal), minus
 * connection-specific fields. Pseudo-header keys in `headers` are refused.
 */
export function encodeResponseHead(status: number, headers: ResponseHeaderMap, lines?: Uint8Array): Uint8Array {
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new TypeError(`invalid status ${status}`);
  begin();
  writeField(':status', String(status));
  if (lines !== undefined) copy(lines);
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    if (key.charCodeAt(0) === 0x3a) throw new TypeError(`pseudo-header ${key} in response headers`);
    // Names are remembered lower-cased, so a key found as given is its own lower-cased form (the scan
    // for upper case is skipped: ~30 % of this function's instructions for a static file's head, counted
    // with callgrind); and a remembered name is never connection-specific (see writeLowerField).
    let name = key;
    let known = remembered.get(key);
    if (known === undefined) {
      name = lowerCase(key);
      if (name !== key) known = remembered.get(name);
      if (known === undefined && isConnectionSpecific(name)) continue;
    }
    if (typeof value === 'string') writeLowerField(name, value, known);
    else if (typeof value === 'number') writeLowerField(name, String(value), known);
    else for (const item of value) writeLowerField(name, item, remembered.get(name));
  }
  return finish();
}

function begin(): void {
  // Required Insert Count 0, Delta Base 0 (RFC 9204 §4.5.1).
  out[0] = 0;
  out[1] = 0;
  pos = 2;
}

// A pooled Buffer (node hands out small ones from a shared slab): a fresh Uint8Array of this size is
// a separate off-heap allocation, ~10× the cost (1.5 µs against 0.14 µs for 150 bytes, measured).
function finish(): Uint8Array {
  const section = Buffer.allocUnsafe(pos);
  section.set(out.subarray(0, pos));
  return section;
}

// Most response fields repeat from one response to the next (nosniff, Referrer-Policy, HSTS, Alt-Svc,
// Content-Type, Cache-Control...): each name remembers the encoding of its last value, so a repeat is
// a copy instead of validation, a static-table lookup and Huffman coding (together ~8% of the CPU of
// a busy server, profiled). A name whose value keeps changing (X-Request-Id, ETag, Date) stops being
// remembered after a few misses, so it costs no copy per response. Bounded by `maxRemembered` names.
interface Remembered {
  value: string;
  bytes: Uint8Array;
  misses: number;
  /** Once the value is volatile: the field line up to its value (name or name reference). */
  nameBytes: Uint8Array | undefined;
}
const remembered = new Map<string, Remembered>();
const maxRemembered = 128;
const maxRememberedValue = 256;
const volatileAfter = 4;

function writeField(rawName: string, value: string): void {
  const name = lowerCase(rawName);
  writeLowerField(name, value, remembered.get(name));
}

/** `known`: what `remembered` holds for `name` (looked up by the caller, which needs it too). */
function writeLowerField(name: string, value: string, known: Remembered | undefined): void {
  if (known !== undefined) {
    if (known.value === value) return copy(known.bytes);
    // A volatile value (a request id): the remembered name part, then the value as a raw literal.
    // Huffman would save a few bytes of a short id for more work than the rest of the field.
    if (known.nameBytes !== undefined) return writeVolatile(known.nameBytes, value);
  }
  const start = pos;
  const valueStart = encodeField(name, value);
  if (value.length > maxRememberedValue) return;
  if (known === undefined) {
    // Never remembered, so encodeResponseHead may take any remembered name as not connection-specific
    // (encodeFieldSection writes whatever it is given).
    if (isConnectionSpecific(name)) return;
    if (remembered.size >= maxRemembered) remembered.clear();
    remembered.set(name, { value, bytes: out.slice(start, pos), misses: 0, nameBytes: undefined });
  } else if (++known.misses <= volatileAfter) {
    known.value = value;
    known.bytes = out.slice(start, pos);
  } else if (valueStart >= 0 && staticEntry(name) === undefined) {
    // Only names outside the static table: a static name (`:status`, content-length) may still have
    // values with an exact entry, one byte instead of a literal.
    known.nameBytes = out.slice(start, valueStart);
  }
}

function copy(bytes: Uint8Array): void {
  ensure(bytes.length);
  out.set(bytes, pos);
  pos += bytes.length;
}

function writeVolatile(nameBytes: Uint8Array, value: string): void {
  checkValue(value);
  copy(nameBytes);
  ensure(value.length + 6);
  pos = writePrefixInt(out, pos, 7, 0, value.length);
  for (let i = 0; i < value.length; i++) out[pos++] = value.charCodeAt(i);
}

/** Writes one field line; returns where its value string starts, or -1 for an indexed (exact) line. */
function encodeField(name: string, value: string): number {
  checkName(name);
  checkValue(value);
  // Worst case: two 6-byte integers plus both strings raw.
  ensure(name.length + value.length + 12);
  const entry = staticEntry(name);
  if (entry === undefined) {
    // 0 0 1 N=0 H length(3+) name, then the value (§4.5.6).
    writeString(name, 3, 0x20);
    const valueStart = pos;
    writeString(value, 7, 0);
    return valueStart;
  }
  const exact = entry.values.get(value);
  if (exact !== undefined) {
    // 1 T=1 index(6+) (§4.5.2).
    pos = writePrefixInt(out, pos, 6, 0xc0, exact);
    return -1;
  }
  // 0 1 N=0 T=1 index(4+), then the value (§4.5.4).
  pos = writePrefixInt(out, pos, 4, 0x50, entry.nameIndex);
  const valueStart = pos;
  writeString(value, 7, 0);
  return valueStart;
}

// A string literal whose Huffman flag sits just above its `prefixBits`-bit length (§4.1.2).
function writeString(text: string, prefixBits: number, flags: number): void {
  const huffmanLength = huffmanEncodedLength(text);
  if (huffmanLength < text.length) {
    pos = writePrefixInt(out, pos, prefixBits, flags | (1 << prefixBits), huffmanLength);
    pos = huffmanEncode(text, out, pos);
    return;
  }
  pos = writePrefixInt(out, pos, prefixBits, flags, text.length);
  for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i);
}

function ensure(extra: number): void {
  if (pos + extra <= out.length) return;
  const bigger = new Uint8Array(Math.max(out.length * 2, pos + extra));
  bigger.set(out.subarray(0, pos));
  out = bigger;
}

function lowerCase(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return name.toLowerCase();
  }
  return name;
}

function checkName(name: string): void {
  if (name.length === 0) throw new TypeError('empty field name');
  for (let i = name.charCodeAt(0) === 0x3a ? 1 : 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 0xff || TOKEN[c] === 0) throw new TypeError(`invalid field name ${JSON.stringify(name)}`);
  }
}

function checkValue(value: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || c === 0 || c === 0x0a || c === 0x0d) throw new TypeError(`invalid character in field value ${JSON.stringify(value)}`);
  }
}
