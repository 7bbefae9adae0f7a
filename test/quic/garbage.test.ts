// Thousands of garbage datagrams (random bytes, random lengths, fake v1 Initials and short headers)
// neither crash the engine nor leave connection state behind (a fake-Initial flood switches 'auto' to
// Retry), and a real client is served afterwards.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { answered, gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';
import { longHeaderDatagram } from './raw-udp.js';

function garbage(i: number): Buffer {
  switch (i % 4) {
    case 0: // fake QUIC v1 Initial: valid-looking header, undecryptable payload
      return Buffer.concat([longHeaderDatagram(1, randomBytes(8), randomBytes(8), 48), randomBytes(1200)]);
    case 1: // short header with a random 20-byte DCID
      return Buffer.concat([Buffer.from([0x40 | randomInt(64)]), randomBytes(randomInt(0, 1400))]);
    case 2: // truncated long header
      return Buffer.concat([Buffer.from([0xc0]), randomBytes(randomInt(0, 12))]);
    default:
      return randomBytes(randomInt(0, 1500));
  }
}

test('garbage datagrams are dropped without harm and a real client still succeeds', async () => {
  const r = await startResponder(Buffer.from('still here\n'));
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    for (let i = 0; i < 4000; i++) {
      socket.send(garbage(i), r.port, '127.0.0.1');
      if (i % 200 === 199) await new Promise((res) => setTimeout(res, 5)); // let the receive buffer drain
    }
    await r.until(() => r.stats.events.length >= 1000);
    const { output } = await gtlsclient(r.port, '/');
    assert.ok(answered(output), output.slice(-2000));
    assert.equal(r.count('handshake'), 1, 'no garbage became a connection');
    assert.ok(r.count('packet_dropped', 'invalid_initial') > 0, 'fake Initials were refused');
    assert.ok(r.count('retry_sent') > 0, "past 256 accepts a second, 'auto' answers Initials with a stateless Retry");
    assert.ok(r.count('packet_dropped', 'malformed') > 0, 'truncated headers were counted');
    assert.equal(r.count('handler_error'), 0);
  } finally {
    socket.close();
    await r.engine.close();
  }
});
