// Retry-based address validation (RFC 9000 §8.1.2): with retry 'always' every new connection first gets a
// Retry; a real client comes back with the token and is served. 'auto' retries only above a handshake count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QuicEngineOptions } from '../../src/h3/quic/engine.js';
import { answered, gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';

/** Serves one gtlsclient request under `options`; returns the client's output and the Retry count. */
async function serveOne(options: Partial<QuicEngineOptions>): Promise<{ output: string; retries: number; rejected: number }> {
  const r = await startResponder(Buffer.from('hi\n'), options);
  try {
    const { output } = await gtlsclient(r.port, '/');
    assert.ok(answered(output), output.slice(-2000));
    assert.equal(r.count('handshake'), 1);
    return { output, retries: r.count('retry_sent'), rejected: r.count('packet_dropped', 'invalid_token') };
  } finally {
    await r.engine.close();
  }
}

test("retry 'always': the client is sent a Retry, returns its token and is served", async () => {
  const { output, retries, rejected } = await serveOne({ retry: 'always' });
  assert.match(output, /type=Retry/); // ngtcp2 logs the Retry packet it received...
  assert.match(output, /retry_source_connection_id=/); // ...and quiche's transport parameters echo it
  assert.equal(retries, 1);
  assert.equal(rejected, 0);
});

test("retry 'auto' below its threshold: no Retry round trip", async () => {
  assert.equal((await serveOne({ retry: 'auto', retryAboveHandshakes: 64 })).retries, 0);
});

test("retry 'auto' at its threshold: new connections are validated first", async () => {
  assert.equal((await serveOne({ retry: 'auto', retryAboveHandshakes: 0 })).retries, 1);
});

test("retry 'never': no Retry even with handshakes in progress", async () => {
  assert.equal((await serveOne({ retry: 'never', retryAboveHandshakes: 0 })).retries, 0);
});
