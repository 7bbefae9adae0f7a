// The peer's QPACK encoder and decoder streams when no dynamic table is in use: what is allowed,
// what is QPACK_ENCODER_STREAM_ERROR / QPACK_DECODER_STREAM_ERROR, instructions split across chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H3Code, H3Error } from '../../src/h3/wire/error-codes.js';
import { DecoderStreamParser, EncoderStreamParser, parseEncoderStream } from '../../src/h3/qpack/instruction-streams.js';
import { QpackStreamChecker } from '../../src/h3/qpack/stream-checker.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function expectCode(fn: () => unknown, code: number): void {
  assert.throws(fn, (err: unknown) => err instanceof H3Error && err.code === code && err.scope === 'connection');
}

test('encoder stream: Set Dynamic Table Capacity 0 is accepted, repeatedly', () => {
  const parser = new EncoderStreamParser();
  parser.push(hex('20'));
  parser.push(hex('2020'));
  assert.ok(parser.idle);
  parseEncoderStream(hex('20'));
  parseEncoderStream(new Uint8Array(0));
});

const encoderErrors: Array<[string, string[]]> = [
  ['capacity 220 (RFC 9204 B.2)', ['3fbd01']],
  ['capacity 1', ['21']],
  ['capacity 31, split across chunks', ['3f', '00']],
  ['insert with static name reference (B.2)', ['c00f7777772e6578616d706c652e636f6d']],
  ['insert with literal name (B.3)', ['4a637573746f6d2d6b65790c637573746f6d2d76616c7565']],
  ['duplicate (B.4)', ['02']],
  ['capacity after a valid one', ['20', '2f']],
  ['capacity integer longer than 62 bits', ['3fffffffffffffffffffff01']],
];
for (const [name, chunks] of encoderErrors) {
  test(`encoder stream QPACK_ENCODER_STREAM_ERROR: ${name}`, () => {
    const parser = new EncoderStreamParser();
    expectCode(() => chunks.forEach((c) => parser.push(hex(c))), H3Code.QPACK_ENCODER_STREAM_ERROR);
    expectCode(() => parser.push(hex('20')), H3Code.QPACK_ENCODER_STREAM_ERROR);
  });
}

test('parseEncoderStream refuses a chunk ending inside an instruction', () => {
  expectCode(() => parseEncoderStream(hex('3f')), H3Code.QPACK_ENCODER_STREAM_ERROR);
});

test('decoder stream: Stream Cancellations are accepted, including split and large ids', () => {
  const parser = new DecoderStreamParser();
  parser.push(hex('48')); // RFC 9204 B.4: Stream Cancellation (stream 8)
  parser.push(hex('7f'));
  assert.ok(!parser.idle);
  parser.push(hex('81'));
  parser.push(hex('01 40'));
  assert.ok(parser.idle);
  assert.equal(parser.cancellations, 3);
});

const decoderErrors: Array<[string, string[]]> = [
  ['Section Acknowledgment (RFC 9204 B.2)', ['84']],
  ['Insert Count Increment 1 (B.3)', ['01']],
  ['Insert Count Increment 0', ['00']],
  ['Section Acknowledgment after a cancellation', ['48', '80']],
  ['stream id longer than 62 bits', ['7f', 'ffffffffffffffffff', '01']],
];
for (const [name, chunks] of decoderErrors) {
  test(`decoder stream QPACK_DECODER_STREAM_ERROR: ${name}`, () => {
    const parser = new DecoderStreamParser();
    expectCode(() => chunks.forEach((c) => parser.push(hex(c))), H3Code.QPACK_DECODER_STREAM_ERROR);
  });
}

test('closing either QPACK stream is H3_CLOSED_CRITICAL_STREAM', () => {
  expectCode(() => new EncoderStreamParser().finish(), H3Code.H3_CLOSED_CRITICAL_STREAM);
  expectCode(() => new DecoderStreamParser().finish(), H3Code.H3_CLOSED_CRITICAL_STREAM);
});

test('QpackStreamChecker picks the rules by stream kind', () => {
  const encoder = new QpackStreamChecker('encoder');
  encoder.push(hex('20'));
  expectCode(() => encoder.push(hex('48')), H3Code.QPACK_ENCODER_STREAM_ERROR); // an insert on the encoder stream
  const decoder = new QpackStreamChecker('decoder');
  decoder.push(hex('48')); // a cancellation on the decoder stream
  expectCode(() => decoder.push(hex('20')), H3Code.QPACK_DECODER_STREAM_ERROR);
  expectCode(() => new QpackStreamChecker('decoder').finish(), H3Code.H3_CLOSED_CRITICAL_STREAM);
});
