// RFC 9000 §10.1: a connection with no traffic for the idle timeout is closed and reported as such.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';

test('an idle connection is closed after idleTimeoutMs', async () => {
  const r = await startResponder(Buffer.from('ok\n'), { idleTimeoutMs: 300 });
  const client = gtlsclient(r.port, '/', { exitAfterRequest: false, args: ['--timeout=30s'] });
  try {
    await r.until(() => r.stats.responsesComplete === 1);
    const answeredAt = Date.now();
    await r.until(() => r.stats.closed.length === 1, 5000);
    assert.deepEqual(r.stats.closed[0], { appError: false, code: 0, local: true, idleTimeout: true });
    assert.ok(Date.now() - answeredAt >= 250, 'not before the idle timeout');
  } finally {
    client.kill();
    await r.engine.close();
  }
});
