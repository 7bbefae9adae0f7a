// Retry tokens carry the original DCID and are bound to the client address, port and the Retry's CID,
// with a lifetime: anything else is refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { RetryTokens } from '../../src/h3/quic/quiche/retry-token.js';

const odcid = randomBytes(8);
const cid = randomBytes(20);
const t0 = 1_700_000_000_000;

test('a token round-trips the original DCID for the same address, port and CID', () => {
  const tokens = new RetryTokens(10_000);
  const check = tokens.check(tokens.mint(odcid, cid, '192.0.2.7', 4433, t0), cid, '192.0.2.7', 4433, t0 + 500);
  assert.deepEqual(check, { ok: true, odcid });
});

test('a token is refused from another address, port or CID, when tampered, expired or from another key', () => {
  const tokens = new RetryTokens(10_000);
  const token = tokens.mint(odcid, cid, '192.0.2.7', 4433, t0);
  const refused = (t: Uint8Array, c = cid, host = '192.0.2.7', port = 4433, now = t0 + 1) =>
    (tokens.check(t, c, host, port, now) as { reason?: string }).reason;
  assert.equal(refused(token, cid, '192.0.2.8'), 'forged');
  assert.equal(refused(token, cid, '192.0.2.7', 4434), 'forged');
  assert.equal(refused(token, randomBytes(20)), 'forged');
  const tampered = Buffer.from(token);
  tampered[9] = tampered[9]! ^ 1; // inside the original DCID
  assert.equal(refused(tampered), 'forged');
  assert.equal(refused(token, cid, '192.0.2.7', 4433, t0 + 10_001), 'expired');
  assert.equal(refused(token, cid, '192.0.2.7', 4433, t0 - 5000), 'expired', 'issued in the future');
  assert.equal(refused(token.subarray(0, 20)), 'malformed');
  assert.equal(refused(Buffer.alloc(40)), 'malformed');
  assert.equal((new RetryTokens(10_000).check(token, cid, '192.0.2.7', 4433, t0 + 1) as { reason?: string }).reason, 'forged');
});
