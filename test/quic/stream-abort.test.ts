// Peer stream aborts reach the handler: RESET_STREAM as onStreamReset(id, code), STOP_SENDING on a
// stream whose response is waiting for flow-control credit as onStreamStopped(id, code).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startResponder } from './h3-responder.js';
import { QuicheTestClient, Shutdown } from './quiche-client.js';

const H3_REQUEST_CANCELLED = 0x10c;

test('a client RESET_STREAM is reported with its code', async () => {
  const r = await startResponder();
  const client = await QuicheTestClient.connect(r.port);
  try {
    client.conn.streamSend(0, Buffer.from('partial request'), false);
    client.flush();
    await r.until(() => r.stats.bodyBytes > 0);
    client.conn.streamShutdown(0, Shutdown.Write, H3_REQUEST_CANCELLED);
    client.flush();
    await r.until(() => r.stats.resets.length === 1);
    assert.deepEqual(r.stats.resets, [[0, H3_REQUEST_CANCELLED]]);
  } finally {
    client.close();
    await r.engine.close();
  }
});

test('a client STOP_SENDING on a blocked response is reported with its code', async () => {
  const r = await startResponder(Buffer.alloc(4 * 1024 * 1024));
  const client = await QuicheTestClient.connect(r.port, 64 * 1024); // the client never reads: the response blocks
  try {
    client.conn.streamSend(0, Buffer.from('GET'), true);
    client.flush();
    await r.until(() => r.stats.requests === 1 && r.stats.accepted.length > 0);
    assert.equal(r.stats.responsesComplete, 0, 'the response is waiting for credit');
    client.conn.streamShutdown(0, Shutdown.Read, H3_REQUEST_CANCELLED);
    client.flush();
    await r.until(() => r.stats.stops.length === 1);
    assert.deepEqual(r.stats.stops, [[0, H3_REQUEST_CANCELLED]]);
  } finally {
    client.close();
    await r.engine.close();
  }
});
