// stopAccepting() (drain): Initials for new connections are dropped, while a connection established
// before it keeps working (its request, delayed by the client, is sent and answered afterwards).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answered, gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';

test('stopAccepting refuses new connections and existing ones continue', async () => {
  const r = await startResponder(Buffer.from('still served\n'));
  try {
    const existing = gtlsclient(r.port, '/', { args: ['--delay-stream=1s'] });
    await r.until(() => r.count('handshake') === 1);
    r.engine.stopAccepting();
    assert.equal(r.stats.requests, 0, 'the request is still to come');

    const refused = await gtlsclient(r.port, '/', { handshakeTimeout: '1s' });
    assert.ok(!refused.output.includes('Negotiated ALPN'), refused.output.slice(-2000));
    assert.ok(r.count('packet_dropped', 'not_accepting') >= 1);

    const { output } = await existing;
    assert.ok(answered(output), output.slice(-2000));
    assert.equal(r.stats.requests, 1);
  } finally {
    await r.engine.close();
  }
});
