// The routing parse of long headers (RFC 8999 §5.1, RFC 9000 §17.2.2): CIDs, version, type, the Initial
// token; truncated input yields null instead of throwing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLongHeader, shortHeaderKey } from '../../src/h3/quic/quiche/packet-header.js';

const initial = Buffer.from([
  0xc3, 0, 0, 0, 1, // Initial, version 1
  4, 1, 2, 3, 4, // DCID
  2, 9, 8, // SCID
  0x40, 3, 0xaa, 0xbb, 0xcc, // token: 2-byte varint length 3
  0x41, 0x00, 0, 0, // length + packet number, not parsed
]);

test('a v1 Initial yields its version, type, CIDs and token', () => {
  const h = parseLongHeader(initial)!;
  assert.equal(h.version, 1);
  assert.equal(h.type, 0);
  assert.deepEqual([...h.dcid], [1, 2, 3, 4]);
  assert.deepEqual([...h.scid], [9, 8]);
  assert.deepEqual([...h.token], [0xaa, 0xbb, 0xcc]);
});

test('every truncation of the header is rejected without throwing', () => {
  for (let len = 0; len < 18; len++) assert.equal(parseLongHeader(initial.subarray(0, len)), null, `length ${len}`);
});

test('other versions are parsed by the invariants only (no token)', () => {
  const h = parseLongHeader(Buffer.concat([Buffer.from([0xc0, 0xff, 0, 0, 0x1d, 1, 7, 0]), Buffer.alloc(3)]))!;
  assert.equal(h.version, 0xff00001d);
  assert.deepEqual([...h.dcid], [7]);
  assert.equal(h.scid.length, 0);
  assert.equal(h.token.length, 0);
});

test('short headers are keyed by 20 DCID bytes', () => {
  const pkt = Buffer.alloc(30, 7);
  pkt[0] = 0x40;
  assert.equal(shortHeaderKey(pkt), Buffer.alloc(20, 7).toString('latin1'));
  assert.equal(shortHeaderKey(pkt.subarray(0, 21)), null);
});
