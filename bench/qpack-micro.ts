// Micro-benchmark of the HTTP/3 head path: QPACK decode of a typical curl request, request-head
// validation, QPACK encode of a typical response, and FrameReader over a small request stream.
//
//   node dist/bench/qpack-micro.js [--iterations N]
//
// Reports the median ns/op of 7 timed rounds after a warm-up. Numbers depend on the machine and
// its load; compare runs on the same machine only.
import { parseArgs } from 'node:util';
import { decodeFieldSection } from '../src/h3/qpack/decoder.js';
import { encodeFieldSection, encodeResponseHead } from '../src/h3/qpack/encoder.js';
import { toRequestHead } from '../src/h3/request-head.js';
import { encodeFrame, FrameReader, FrameType } from '../src/h3/wire/frames.js';

// What curl 8 sends for `curl --http3 https://localhost:8443/index.html` (nghttp3 encodes it the
// same way without a dynamic table: static refs, Huffman literals where shorter).
const CURL_FIELDS = [
  ':method', 'GET', ':scheme', 'https', ':authority', 'localhost:8443', ':path', '/index.html',
  'user-agent', 'curl/8.5.0', 'accept', '*/*',
];
const curlBlock = encodeFieldSection(CURL_FIELDS);
const responseHeaders = { 'content-type': 'text/html; charset=utf-8', 'content-length': 1234 };
const responseFlat = [':status', '200', 'content-type', 'text/html; charset=utf-8', 'content-length', '1234'];
const requestStream = Buffer.concat([encodeFrame(FrameType.HEADERS, curlBlock)]);

let sink = 0;

const cases: Array<[string, () => void]> = [
  [`decodeFieldSection (curl GET, ${curlBlock.length} B)`, () => { sink += decodeFieldSection(curlBlock, 16384).length; }],
  ['toRequestHead (curl GET fields)', () => { sink += toRequestHead(CURL_FIELDS).path.length; }],
  ['decode + toRequestHead', () => { sink += toRequestHead(decodeFieldSection(curlBlock, 16384)).path.length; }],
  ['encodeResponseHead (200, content-type, content-length)', () => { sink += encodeResponseHead(200, responseHeaders).length; }],
  ['encodeFieldSection (same response, flat list)', () => { sink += encodeFieldSection(responseFlat).length; }],
  ['FrameReader: new reader + one HEADERS frame', () => {
    const reader = new FrameReader({ stream: 'request' });
    reader.push(requestStream);
    sink += reader.next()!.payload.length;
  }],
];

function measure(fn: () => void, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '200000' } } });
const iterations = Number(values.iterations);
console.log(`node ${process.version}, ${iterations} iterations x 7 rounds, median ns/op`);
for (const [name, fn] of cases) {
  measure(fn, iterations); // warm-up: let the JIT settle
  const rounds = Array.from({ length: 7 }, () => measure(fn, iterations)).sort((a, b) => a - b);
  console.log(`${rounds[3].toFixed(0).padStart(7)} ns  ${name}`);
}
if (sink === 0) console.log('(sink)');
