// Handshake and one request through a real, independent HTTP/3 client (ngtcp2's gtlsclient).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { answered, gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';

test('a handshake completes and a request is answered', async () => {
  const r = await startResponder(Buffer.from('hello from the engine\n'));
  try {
    const { output, dir } = await gtlsclient(r.port, '/greeting');
    assert.ok(answered(output), output.slice(-2000));
    assert.equal(readFileSync(join(dir, 'greeting'), 'utf8'), 'hello from the engine\n');
    assert.equal(r.count('handshake'), 1);
    assert.equal(r.stats.connections.length, 1);
    assert.equal(r.stats.connections[0]!.remoteAddress, '127.0.0.1');
    assert.equal(r.stats.connections[0]!.serverName, 'localhost'); // gtlsclient sends this SNI for IP hosts
    assert.equal(r.stats.requests, 1);
    // gtlsclient closes the connection when done; the engine reports it (peer close, H3_NO_ERROR).
    await r.until(() => r.stats.closed.length === 1);
    assert.deepEqual(r.stats.closed[0], { appError: true, code: 0x100, local: false, idleTimeout: false });
    assert.equal(r.count('connection_closed'), 1);
  } finally {
    await r.engine.close();
  }
});
