// The HTTP/3 drain's close, seen by a client that keeps its QUIC connection open and silent: once the
// connection has nothing left in flight the server sends GOAWAY, then lingers 500 ms for the client to
// close first, sending a PING every 100 ms (each a packet the client receives and acknowledges), then
// closes with H3_NO_ERROR (src/h3/h3-connection.ts, CLOSE_LINGER_MS). Clients that read slowly are why
// (test/drain/paced-download.test.ts); this checks the mechanism itself. The client is quiche's, driven
// raw (test/support/quic-client.ts), so nothing closes the connection but the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuicClient } from '../support/quic-client.js';
import { spawnServer } from '../support/spawn-server.js';
import { exitOf, logTime, sleep } from './support.js';

const H3_NO_ERROR = 0x100;
const lingerMs = 500;

test('a silent HTTP/3 connection is pinged through the linger, then closed with H3_NO_ERROR', async () => {
  const server = await spawnServer({ RWS_CONFIG_SHUTDOWN_DELAY_MS: '0', RWS_CONFIG_DRAIN_TIMEOUT_MS: '10000' });
  const exit = exitOf(server);
  const c = await QuicClient.connect(server.ports.h3!);
  try {
    await sleep(200); // the handshake's last packets and the server's SETTINGS
    const received = c.conn.stats().recv;
    server.kill('SIGTERM');
    const drainAt = await logTime(server, 'listeners draining');
    const err = await c.closedByPeer(5000);
    const closedAt = Date.now();
    assert.ok(err !== null, 'the server closed the connection');
    assert.deepEqual([err.isApp, err.errorCode], [true, H3_NO_ERROR], 'CONNECTION_CLOSE with H3_NO_ERROR');
    const waited = closedAt - drainAt;
    // The linger, with a margin for a loaded machine.
    assert.ok(waited >= lingerMs - 100 && waited < lingerMs + 500, `closed ${waited} ms after the drain began`);
    // The GOAWAY and the close are two packets; the PINGs add about four more.
    const packets = c.conn.stats().recv - received;
    assert.ok(packets >= 5, `${packets} packets received during the drain`);
    assert.equal((await exit).code, 0, server.stderr());
  } finally {
    c.close();
    server.kill('SIGKILL');
  }
});
