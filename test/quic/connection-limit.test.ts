// maxConnections bounds live connections: with two open, a third client's Initials are dropped; once
// the two are gone (here: killed, then reaped by the idle timeout) a new client is served again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answered, gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';

test('maxConnections=2: a third connection is not served while two are open', async () => {
  const r = await startResponder(Buffer.from('ok\n'), { maxConnections: 2, idleTimeoutMs: 3000 });
  const holders = [0, 1].map(() => gtlsclient(r.port, '/', { exitAfterRequest: false }));
  try {
    await r.until(() => r.stats.responsesComplete === 2);
    const third = await gtlsclient(r.port, '/', { handshakeTimeout: '1s' });
    assert.ok(!third.output.includes('Negotiated ALPN'), third.output.slice(-2000));
    assert.ok(r.count('packet_dropped', 'connection_limit') >= 1);
    assert.equal(r.count('handshake'), 2);

    for (const h of holders) h.kill();
    await r.until(() => r.stats.closed.length === 2, 10_000); // idle timeout frees the slots
    const fourth = await gtlsclient(r.port, '/');
    assert.ok(answered(fourth.output), fourth.output.slice(-2000));
  } finally {
    for (const h of holders) h.kill();
    await r.engine.close();
  }
});
