// A tunnel in a real process: rws_open_tunnels counts it while it is open and goes back to 0; once it
// closes it is one request with status 101 in http_requests_total and one access line with the bytes
// relayed each way and how long it was open.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { valueOf } from '../observability/exposition.js';
import { eventually, scrape, waitForAccess } from '../observability/support.js';
import { closedUndici, nextMessage, openUndici, startWsOrigin, type WsOrigin } from './websocket-support.js';

describe('websocket tunnel accounting', () => {
  let origin: WsOrigin;
  let p: ServerProcess;
  let h1: string;

  before(async () => {
    origin = await startWsOrigin();
    p = await spawnServer({ RWS_CONFIG_UPSTREAM: origin.url, RWS_CONFIG_ROOT: mkdtempSync(join(tmpdir(), 'rws-ws-')) });
    h1 = `http://127.0.0.1:${p.ports.h1}`;
  });
  after(async () => {
    p.kill();
    await p.exited;
    await origin.close();
  });

  const openTunnels = async (): Promise<number> => valueOf((await scrape(h1)).families, 'rws_open_tunnels');

  it('counts the open tunnel, then logs and counts it as a 101 when it closes', async () => {
    assert.equal(await openTunnels(), 0);
    const ws = await openUndici(`ws://127.0.0.1:${p.ports.h1}/room/7`, { protocols: ['acct'] });
    assert.equal(await openTunnels(), 1);
    const message = 'x'.repeat(1000);
    ws.send(message);
    assert.equal(await nextMessage(ws), message);
    ws.close(1000);
    await closedUndici(ws);
    assert.equal(await eventually(openTunnels, (n) => n === 0), 0);

    const { families } = await scrape(h1);
    assert.equal(valueOf(families, 'http_requests_total', { protocol: 'h1', method: 'GET', route: 'proxy', status_code: '101' }), 1);
    const [line] = await waitForAccess(p, (e) => e.status === 101);
    assert.equal(line!.path, '/room/7');
    assert.equal(line!.route, 'proxy');
    assert.equal(line!.aborted, undefined, 'a clean close is not a cut');
    // 1000 bytes of payload each way, plus frame headers, masks and the close frames.
    assert.ok((line!.bytes as number) > 1000 && (line!.bytes as number) < 1100, `bytes ${String(line!.bytes)}`);
    assert.ok((line!.bytes_received as number) > 1000 && (line!.bytes_received as number) < 1100, `bytes_received ${String(line!.bytes_received)}`);
    assert.equal(typeof line!.duration_ms, 'number');
    assert.equal(typeof line!.upstream_ms, 'number');
  });
});
