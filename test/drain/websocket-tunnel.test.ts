// SIGTERM with a WebSocket tunnel open: /readyz goes 503 at once and the tunnel keeps relaying through
// the shutdown delay; a tunnel is not a new request, but it is an exchange in flight, so the drain waits
// for it until the deadline and then cuts it like any long response (closed on both sides, counted in
// requests_cut, exit 3: test/drain/deadline.test.ts). It never holds the process past the deadline.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode } from '../../src/core/errors.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { closedUndici, nextMessage, openUndici, startWsOrigin, type WsOrigin } from '../proxy/websocket-support.js';
import { exitOf, logTime, probe, tempDir } from './support.js';

const delayMs = 400;
const drainTimeoutMs = 800;

describe('drain with a WebSocket tunnel open', () => {
  let origin: WsOrigin;
  let server: ServerProcess;

  before(async () => {
    origin = await startWsOrigin();
    server = await spawnServer({
      RWS_CONFIG_UPSTREAM: origin.url,
      RWS_CONFIG_ROOT: tempDir('rws-drain-ws-'),
      RWS_CONFIG_SHUTDOWN_DELAY_MS: String(delayMs),
      RWS_CONFIG_DRAIN_TIMEOUT_MS: String(drainTimeoutMs),
    });
  });
  after(async () => {
    server?.kill('SIGKILL');
    await origin?.close();
  });

  it('keeps the tunnel through the delay, cuts it at the deadline on both sides, exits 3', async () => {
    const port = server.ports.h1!;
    const exit = exitOf(server);
    const ws = await openUndici(`ws://127.0.0.1:${port}/live`);
    const originSide = origin.accepted.at(-1)!;
    const closed = closedUndici(ws);

    server.kill('SIGTERM');
    await logTime(server, 'drain started');
    assert.equal((await probe(port, '/readyz')).status, 503);
    ws.send('still here');
    assert.equal(await nextMessage(ws), 'still here', 'the tunnel relays during the shutdown delay');

    const drainAt = await logTime(server, 'listeners draining');
    assert.equal(await closed, 1006, 'the client side is cut');
    const cutAt = Date.now();
    assert.equal(await originSide.closed, 1006, 'the origin side is closed too');
    const took = cutAt - drainAt;
    assert.ok(took >= drainTimeoutMs - 100 && took < drainTimeoutMs + 1500, `cut ${took} ms after the drain began; deadline ${drainTimeoutMs} ms`);

    const { code } = await exit;
    assert.equal(code, ExitCode.drainTimeout);
    const done = await server.waitForLog((e) => e.msg === 'drain finished');
    assert.equal(done.requests_cut, 1);
    assert.deepEqual(done.cut_by_listener, { h1: 1 });
    const line = await server.waitForLog((e) => e.msg === 'request' && e.status === 101);
    assert.equal(line.aborted, true);
  });
});
