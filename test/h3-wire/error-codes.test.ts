// Wire error codes: the RFC 9114 §8.1 / RFC 9204 §6 values, names, and the H3Error shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeName, FieldSectionTooLargeError, H3Code, H3Error } from '../../src/h3/wire/error-codes.js';

test('codes have their registered values', () => {
  assert.deepEqual(Object.entries(H3Code), [
    ['H3_NO_ERROR', 0x100],
    ['H3_GENERAL_PROTOCOL_ERROR', 0x101],
    ['H3_INTERNAL_ERROR', 0x102],
    ['H3_STREAM_CREATION_ERROR', 0x103],
    ['H3_CLOSED_CRITICAL_STREAM', 0x104],
    ['H3_FRAME_UNEXPECTED', 0x105],
    ['H3_FRAME_ERROR', 0x106],
    ['H3_EXCESSIVE_LOAD', 0x107],
    ['H3_ID_ERROR', 0x108],
    ['H3_SETTINGS_ERROR', 0x109],
    ['H3_MISSING_SETTINGS', 0x10a],
    ['H3_REQUEST_REJECTED', 0x10b],
    ['H3_REQUEST_CANCELLED', 0x10c],
    ['H3_REQUEST_INCOMPLETE', 0x10d],
    ['H3_MESSAGE_ERROR', 0x10e],
    ['H3_CONNECT_ERROR', 0x10f],
    ['H3_VERSION_FALLBACK', 0x110],
    ['QPACK_DECOMPRESSION_FAILED', 0x200],
    ['QPACK_ENCODER_STREAM_ERROR', 0x201],
    ['QPACK_DECODER_STREAM_ERROR', 0x202],
  ]);
  assert.ok(Object.isFrozen(H3Code));
});

test('codeName names known, reserved and unknown codes', () => {
  assert.equal(codeName(0x10e), 'H3_MESSAGE_ERROR');
  assert.equal(codeName(0x200), 'QPACK_DECOMPRESSION_FAILED');
  assert.equal(codeName(0x21 + 0x1f * 3), 'H3_RESERVED(0x7e)');
  assert.equal(codeName(0x999), 'UNKNOWN(0x999)');
});

test('H3Error carries code and scope; FieldSectionTooLargeError is a stream-scoped H3_EXCESSIVE_LOAD', () => {
  const err = new H3Error(H3Code.H3_FRAME_ERROR, 'connection', 'bad');
  assert.ok(err instanceof Error);
  assert.equal(err.code, 0x106);
  assert.equal(err.scope, 'connection');
  assert.match(err.message, /^H3_FRAME_ERROR: bad$/);
  const big = new FieldSectionTooLargeError(100, 'too big');
  assert.ok(big instanceof H3Error);
  assert.equal(big.code, H3Code.H3_EXCESSIVE_LOAD);
  assert.equal(big.scope, 'stream');
  assert.equal(big.limit, 100);
});
