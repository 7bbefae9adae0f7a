// RFC 9000 §10.3: a short-header packet for an unknown connection is answered with a stateless reset
// that is smaller than the trigger (no reset loops, §10.3.3).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { startResponder } from './h3-responder.js';
import { exchange } from './raw-udp.js';

const shortHeader = (len: number): Buffer => Buffer.concat([Buffer.from([0x41]), randomBytes(len - 1)]);

test('a short-header packet for an unknown CID gets a smaller stateless reset', async () => {
  const r = await startResponder();
  try {
    const replies = await exchange('127.0.0.1', r.port, shortHeader(100));
    assert.equal(replies.length, 1);
    const reset = replies[0]!.msg;
    assert.ok(reset.length >= 21 && reset.length < 100, `reset of ${reset.length} bytes`);
    assert.equal(reset[0]! & 0xc0, 0x40, 'looks like a short-header packet');
    assert.equal(r.count('stateless_reset_sent'), 1);

    const minimal = await exchange('127.0.0.1', r.port, shortHeader(22));
    assert.equal(minimal.length, 1);
    assert.equal(minimal[0]!.msg.length, 21, 'the smallest reset, still one byte under the trigger');

    const none = await exchange('127.0.0.1', r.port, shortHeader(21), 1, 500); // cannot even hold a 20-byte CID
    assert.equal(none.length, 0);
    assert.equal(r.count('packet_dropped', 'malformed'), 1);
  } finally {
    await r.engine.close();
  }
});
