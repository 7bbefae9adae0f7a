// Fuzz targets for the HTTP/3 wire layer and QPACK: one function per parser, each taking raw
// bytes. The contract under test: whatever the input, a parser either returns or throws H3Error;
// anything else (TypeError, RangeError, a failed invariant below, a hang) is a bug. Several
// targets also check invariants that need no oracle: chunking must not change what FrameReader
// yields, decode→encode→decode must be stable, a valid Huffman string re-encodes to itself.
// Deterministic: the same input always takes the same path (chunk splits derive from the bytes).
import { decodeFieldSection, FIELD_OVERHEAD } from '../../src/h3/qpack/decoder.js';
import { encodeFieldSection } from '../../src/h3/qpack/encoder.js';
import { huffmanDecode, huffmanEncode, huffmanEncodedLength } from '../../src/h3/qpack/huffman.js';
import { LiteralCache } from '../../src/h3/qpack/literal-cache.js';
import { DecoderStreamParser, EncoderStreamParser } from '../../src/h3/qpack/instruction-streams.js';
import { toRequestHead, validateTrailers } from '../../src/h3/request-head.js';
import { H3Error } from '../../src/h3/wire/error-codes.js';
import {
  encodeFrame,
  encodeGoaway,
  encodeSettings,
  FrameReader,
  FrameType,
  parseCancelPush,
  parseGoaway,
  parseMaxPushId,
  parseSettings,
  type FrameStreamKind,
} from '../../src/h3/wire/frames.js';
import { readVarint, VARINT_INCOMPLETE, VARINT_TOO_LARGE, VarintCursor, varintSize, writeVarint } from '../../src/h3/wire/varint.js';

/** Returns an optional signature of what the input exercised (the fuzzer keeps inputs with new ones). */
export type FuzzTarget = (input: Uint8Array) => string | void;

/** An outcome the fuzzer accepts: parsers signal bad input with H3Error and nothing else. */
export function isExpectedError(err: unknown): boolean {
  return err instanceof H3Error;
}

function invariant(ok: boolean, message: string): void {
  if (!ok) throw new Error(`invariant violated: ${message}`);
}

// ---------------------------------------------------------------------------------------------

function varint(input: Uint8Array): void {
  const cursor = new VarintCursor();
  const scratch = new Uint8Array(8);
  let offset = 0;
  while (offset < input.length) {
    const next = readVarint(input, offset, input.length, cursor);
    if (next === VARINT_INCOMPLETE) {
      invariant(input.length - offset < 8, 'incomplete with 8 bytes available');
      return;
    }
    if (next === VARINT_TOO_LARGE) {
      invariant(input[offset] >= 0xc0, 'too large from a short encoding');
      offset += 8;
      continue;
    }
    invariant(Number.isSafeInteger(cursor.value) && cursor.value >= 0, 'value not a safe integer');
    invariant(varintSize(cursor.value) <= next - offset, 'shortest form longer than the input form');
    const value = cursor.value;
    const end = writeVarint(scratch, 0, value);
    invariant(readVarint(scratch, 0, end, cursor) === end && cursor.value === value, 'write/read round trip');
    offset = next;
  }
}

// ---------------------------------------------------------------------------------------------

interface ReaderOutcome {
  frames: string[];
  error: H3Error | null;
}

/** Runs a FrameReader over the chunks; DATA pieces are joined per frame so splits compare equal. */
function readFrames(kind: FrameStreamKind, maxFrameSize: number, chunks: Uint8Array[], fin: boolean): ReaderOutcome {
  const reader = new FrameReader({ stream: kind, maxFrameSize });
  const frames: string[] = [];
  let data = '';
  try {
    for (const chunk of chunks) {
      reader.push(chunk);
      for (let ev = reader.next(); ev !== null; ev = reader.next()) {
        if (ev.type !== FrameType.DATA) {
          invariant(ev.last, 'non-DATA frame not whole');
          invariant(ev.payload.length <= maxFrameSize, 'buffered frame above maxFrameSize');
          frames.push(`${ev.type}:${Buffer.from(ev.payload).toString('hex')}`);
          exerciseFramePayload(ev.type, ev.payload);
          continue;
        }
        data += Buffer.from(ev.payload).toString('hex');
        if (ev.last) {
          frames.push(`D:${data}`);
          data = '';
        }
      }
    }
    if (fin) reader.finish();
    return { frames, error: null };
  } catch (err) {
    if (!isExpectedError(err)) throw err;
    return { frames, error: err as H3Error };
  }
}

// Payload parsers and the request pipeline, on whatever the reader yields.
function exerciseFramePayload(type: number, payload: Uint8Array): void {
  try {
    if (type === FrameType.SETTINGS) parseSettings(payload);
    else if (type === FrameType.GOAWAY) parseGoaway(payload);
    else if (type === FrameType.MAX_PUSH_ID) parseMaxPushId(payload);
    else if (type === FrameType.CANCEL_PUSH) parseCancelPush(payload);
    else if (type === FrameType.HEADERS) toRequestHead(decodeFieldSection(payload, 16 * 1024));
  } catch (err) {
    if (!isExpectedError(err)) throw err;
  }
}

/** Splits `bytes` into chunks whose sizes come from the bytes themselves (deterministic). */
function chunksOf(bytes: Uint8Array, salt: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let state = (salt * 2654435761) >>> 0 || 1;
  for (let offset = 0; offset < bytes.length; ) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const size = 1 + ((state >>> 0) % 17);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

// First byte: bit 0 stream kind, bit 1 small frame limit, bit 2 FIN at the end, rest: split salt.
// Byte-at-a-time feeding is costly, so only short inputs get it.
function frameReader(input: Uint8Array): string {
  if (input.length === 0) return 'empty';
  const mode = input[0];
  const kind: FrameStreamKind = (mode & 1) === 0 ? 'request' : 'control';
  const maxFrameSize = (mode & 2) === 0 ? 64 * 1024 : 24;
  const fin = (mode & 4) !== 0;
  const bytes = input.subarray(1);
  const whole = readFrames(kind, maxFrameSize, [bytes], fin);
  const split = readFrames(kind, maxFrameSize, chunksOf(bytes, mode), fin);
  const others = [split];
  if (bytes.length <= 256) others.push(readFrames(kind, maxFrameSize, [...bytes].map((b) => Uint8Array.of(b)), fin));
  for (const other of others) {
    invariant(other.error?.code === whole.error?.code, `error ${other.error?.code} vs ${whole.error?.code} depending on chunking`);
    invariant(other.frames.join() === whole.frames.join(), 'frames depend on chunking');
  }
  if (whole.error !== null) throw whole.error;
  return `${kind}:${[...new Set(whole.frames.map((f) => f.slice(0, f.indexOf(':'))))].sort().join(',')}:${Math.min(whole.frames.length, 8)}`;
}

// ---------------------------------------------------------------------------------------------

const TOKEN = /^:?[a-z0-9!#$%&'*+.^_`|~-]+$/;
const ENCODABLE_VALUE = /^[^\0\r\n\u0100-\uffff]*$/;

// First byte picks the size limit; the rest is the field section.
function fieldSection(input: Uint8Array): string | void {
  if (input.length === 0) return;
  const limit = input[0] < 0x80 ? Infinity : input[0] * 8;
  const block = input.subarray(1);
  // Twice through one literal cache (filled, then hit): both must match the uncached decode.
  const literals = new LiteralCache();
  const viaCache = [outcome(() => decodeFieldSection(block, limit, literals)), outcome(() => decodeFieldSection(block, limit, literals))];
  let fields: string[];
  try {
    fields = decodeFieldSection(block, limit);
  } catch (e) {
    invariant(viaCache[0] === describe(e) && viaCache[1] === describe(e), 'the literal cache changed how a section fails');
    throw e;
  }
  invariant(viaCache[0] === fields.join('\n') && viaCache[1] === fields.join('\n'), 'the literal cache changed a decoded section');
  let size = 0;
  for (let i = 0; i < fields.length; i += 2) size += fields[i].length + fields[i + 1].length + FIELD_OVERHEAD;
  invariant(size <= limit, 'decoded section above the size limit');
  for (let i = 0; i < fields.length; i++) if (i % 2 === 0 ? !TOKEN.test(fields[i]) : !ENCODABLE_VALUE.test(fields[i])) return;
  const again = decodeFieldSection(encodeFieldSection(fields), Infinity);
  invariant(again.join('\n') === fields.join('\n'), 'decode → encode → decode changed the fields');
  return `fields:${Math.min(fields.length / 2, 16)}`;
}

function outcome(decode: () => string[]): string {
  try {
    return decode().join('\n');
  } catch (e) {
    return describe(e);
  }
}

function describe(e: unknown): string {
  return e instanceof H3Error ? `${e.constructor.name} ${e.code} ${e.message}` : `unexpected ${String(e)}`;
}

// ---------------------------------------------------------------------------------------------

function huffman(input: Uint8Array): void {
  const text = huffmanDecode(input, 0, input.length);
  invariant(text !== null, 'null without a length limit');
  const decoded = text as string;
  // A valid string is codes plus under 8 bits of EOS-prefix padding: re-encoding reproduces it.
  invariant(huffmanEncodedLength(decoded) === input.length, 'encoded length differs from input');
  const out = new Uint8Array(input.length);
  invariant(huffmanEncode(decoded, out, 0) === input.length, 'encoder wrote a different length');
  invariant(Buffer.compare(out, input) === 0, 're-encoding differs from the input');
  const limited = huffmanDecode(input, 0, input.length, decoded.length - 1);
  invariant(decoded.length === 0 || limited === null, 'maxLength not enforced');
}

// ---------------------------------------------------------------------------------------------

function pushInSplits(parser: { push(chunk: Uint8Array): void }, input: Uint8Array): void {
  for (const chunk of chunksOf(input, input.length)) parser.push(chunk);
}

function encoderStream(input: Uint8Array): void {
  pushInSplits(new EncoderStreamParser(), input);
}

function decoderStream(input: Uint8Array): void {
  pushInSplits(new DecoderStreamParser(), input);
}

// ---------------------------------------------------------------------------------------------

// First byte even: the rest is a QPACK field section (so NUL/CR/LF can reach the validator);
// odd: the rest is latin1 text whose NUL-separated pieces are name, value, name, value...
function requestHead(input: Uint8Array): string | void {
  if (input.length === 0) return;
  let fields: string[];
  if ((input[0] & 1) === 0) {
    fields = decodeFieldSection(input.subarray(1), Infinity);
  } else {
    fields = Buffer.from(input.subarray(1)).toString('latin1').split('\0');
    if (fields.length % 2 !== 0) fields.pop();
  }
  try {
    validateTrailers(fields);
  } catch (err) {
    if (!isExpectedError(err)) throw err;
  }
  const head = toRequestHead(fields);
  invariant(head.method.length > 0, 'empty method accepted');
  invariant(head.method === 'CONNECT' || head.path.length > 0, 'empty path accepted');
  for (const name of Object.keys(head.headers)) invariant(TOKEN.test(name) && !name.startsWith(':'), `bad name ${name} accepted`);
  const scheme = head.scheme === 'https' || head.scheme === 'http' || head.scheme === '' ? head.scheme : 'other';
  return `${head.method === 'CONNECT'}:${scheme}:${Math.min(Object.keys(head.headers).length, 8)}`;
}

export const targets: Readonly<Record<string, FuzzTarget>> = Object.freeze({
  varint,
  'frame-reader': frameReader,
  'field-section': fieldSection,
  huffman,
  'encoder-stream': encoderStream,
  'decoder-stream': decoderStream,
  'request-head': requestHead,
});

// ---------------------------------------------------------------------------------------------
// Seed corpus: small valid (and a few invalid) inputs per target, built with our encoders.

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

const CURL_REQUEST = [
  ':method', 'GET', ':scheme', 'https', ':authority', 'localhost:8443', ':path', '/index.html?x=1',
  'user-agent', 'curl/8.5.0', 'accept', '*/*',
];
const BROWSER_REQUEST = [
  ':method', 'POST', ':authority', 'www.example.com', ':scheme', 'https', ':path', '/api/v1/items',
  'content-type', 'application/json', 'content-length', '27', 'accept-encoding', 'gzip, deflate, br',
  'accept-language', 'en-US,en;q=0.9', 'cookie', 'session=abc123', 'cookie', 'theme=dark', 'te', 'trailers',
  'sec-fetch-mode', 'cors', 'x-request-id', '7f3c1a',
];

export function seedCorpus(): Record<string, Uint8Array[]> {
  const curl = encodeFieldSection(CURL_REQUEST);
  const browser = encodeFieldSection(BROWSER_REQUEST);
  const requestStream = concat([
    encodeFrame(0x21, hex('00ff')),
    encodeFrame(FrameType.HEADERS, browser),
    encodeFrame(FrameType.DATA, new TextEncoder().encode('{"name":"x","quantity":12}\n')),
    encodeFrame(FrameType.DATA, new Uint8Array(0)),
    encodeFrame(FrameType.HEADERS, encodeFieldSection(['grpc-status', '0'])),
  ]);
  const controlStream = concat([
    encodeSettings([[0x1, 0], [0x6, 16384], [0x7, 0], [0x33, 1], [0x1f * 7 + 0x21, 5]]),
    encodeFrame(FrameType.MAX_PUSH_ID, hex('08')),
    encodeGoaway(0),
    encodeFrame(FrameType.CANCEL_PUSH, hex('00')),
  ]);
  const withMode = (mode: number, bytes: Uint8Array): Uint8Array => concat([Uint8Array.of(mode), bytes]);
  const nulSeparated = (fields: string[]): Uint8Array => withMode(1, Buffer.from(fields.join('\0'), 'latin1'));
  return {
    varint: [hex('25'), hex('7bbd'), hex('9d7f3e7d'), hex('c2197c5eff14e88c'), hex('4025 00 bfffffff c01fffffffffffff')],
    'frame-reader': [
      withMode(4, requestStream),
      withMode(6, requestStream),
      withMode(5, controlStream),
      withMode(1, controlStream),
      withMode(4, concat([encodeFrame(FrameType.HEADERS, curl)])),
    ],
    'field-section': [withMode(0, curl), withMode(0, browser), withMode(0x90, browser), withMode(0, hex('0000 510b 2f69 6e64 6578 2e68 746d 6c'))],
    huffman: [hex('f1e3c2e5f23a6ba0ab90f4ff'), hex('a8eb10649cbf'), hex('9bd9ab'), hex('640eff'), hex('d07abe941054d444a8200595040b8166e082a62d1bff')],
    'encoder-stream': [hex('20'), hex('2020'), hex('3fbd01'), hex('c00f7777772e6578616d706c652e636f6d'), hex('02')],
    'decoder-stream': [hex('48'), hex('7f8101 40'), hex('84'), hex('01')],
    'request-head': [withMode(0, curl), withMode(0, browser), nulSeparated(CURL_REQUEST), nulSeparated(BROWSER_REQUEST)],
  };
}
