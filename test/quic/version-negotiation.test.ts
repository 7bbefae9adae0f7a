// RFC 9000 §6 / RFC 8999 §6: a client Initial-sized datagram with an unknown version gets a Version
// Negotiation packet listing QUIC v1, with the client's CIDs echoed swapped; small ones get nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { startResponder } from './h3-responder.js';
import { exchange, longHeaderDatagram } from './raw-udp.js';

test('an unknown version is answered with Version Negotiation offering v1', async () => {
  const r = await startResponder();
  try {
    const dcid = randomBytes(8);
    const scid = randomBytes(5);
    const replies = await exchange('127.0.0.1', r.port, longHeaderDatagram(0x1a2a3a4a, dcid, scid));
    assert.equal(replies.length, 1);
    const vn = replies[0]!.msg;
    assert.ok(vn[0]! & 0x80, 'long header form');
    assert.equal(vn.readUInt32BE(1), 0, 'version 0 marks Version Negotiation');
    assert.deepEqual(vn.subarray(6, 6 + vn[5]!), scid, 'DCID is the client SCID');
    const scidAt = 6 + vn[5]!;
    assert.deepEqual(vn.subarray(scidAt + 1, scidAt + 1 + vn[scidAt]!), dcid, 'SCID is the client DCID');
    const versions: number[] = [];
    for (let o = scidAt + 1 + vn[scidAt]!; o + 4 <= vn.length; o += 4) versions.push(vn.readUInt32BE(o));
    assert.ok(versions.includes(1), `versions ${versions.map((v) => v.toString(16))}`);
    assert.equal(r.count('version_negotiation_sent'), 1);
  } finally {
    await r.engine.close();
  }
});

test('an unknown version in a small datagram is dropped silently (RFC 9000 §5.2.2)', async () => {
  const r = await startResponder();
  try {
    const replies = await exchange('127.0.0.1', r.port, longHeaderDatagram(0x1a2a3a4a, randomBytes(8), randomBytes(8), 300), 1, 500);
    assert.equal(replies.length, 0);
    assert.equal(r.count('packet_dropped', 'unsupported_version'), 1);
  } finally {
    await r.engine.close();
  }
});
