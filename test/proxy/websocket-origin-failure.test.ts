// A handshake the origin cannot take is answered as any proxied request would be: 502 when nothing
// listens, 504 when the origin accepts the connection and never answers; and once the origin is up
// again, the same handshake is tunnelled. A client that leaves before the origin answered takes the
// origin connection with it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { TestServer } from '../support/start-server.js';
import { valueOf } from '../observability/exposition.js';
import { eventually, scrape } from '../observability/support.js';
import { closedPort, startEdge, waitFor } from './support.js';
import { closedUndici, handshake, openUndici, startWsOrigin, wsUrl, type WsOrigin } from './websocket-support.js';

describe('websocket handshake when the origin fails', () => {
  const edges: TestServer[] = [];
  let origin: WsOrigin | undefined;
  let silent: Server | undefined;
  const held = new Set<Socket>();

  after(async () => {
    await Promise.all(edges.map((e) => e.close()));
    await origin?.close();
    for (const s of held) s.destroy();
    silent?.close();
  });

  it('origin down: 502; origin back on the same port: tunnelled', async () => {
    const port = await closedPort();
    const edge = await startEdge(`http://127.0.0.1:${port}`);
    edges.push(edge);
    const down = await handshake(edge.h1, '/chat');
    assert.equal(down.status, 502);
    assert.match(down.body, /bad gateway/);

    origin = await startWsOrigin({ port });
    const ws = await openUndici(wsUrl(edge.h1));
    ws.close(1000);
    assert.equal(await closedUndici(ws), 1000);
  });

  it('origin silent: the handshake reached it with its Upgrade; 504 after RWS_CONFIG_UPSTREAM_TIMEOUT_MS', async () => {
    let seen = '';
    silent = createServer((s) => {
      held.add(s);
      s.on('error', () => {});
      s.setEncoding('latin1').on('data', (c: string) => (seen += c));
    });
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const edge = await startEdge(`http://127.0.0.1:${(silent.address() as { port: number }).port}`, { RWS_CONFIG_UPSTREAM_TIMEOUT_MS: '1000' });
    edges.push(edge);
    const started = Date.now();
    const r = await handshake(edge.h1, '/chat');
    assert.equal(r.status, 504);
    assert.match(r.body, /gateway timeout/);
    assert.ok(Date.now() - started < 4000, `answered after ${Date.now() - started} ms`);
    assert.match(seen, /^GET \/chat HTTP\/1\.1\r\n/);
    assert.match(seen, /\r\nupgrade: websocket\r\n/i);
    assert.match(seen, /\r\nconnection: upgrade\r\n/i);
    assert.match(seen, /\r\nsec-websocket-key: /i);
  });

  it('the client leaving while the origin has not answered: the origin connection is closed, nothing left open', async () => {
    const edge = edges.at(-1)!;
    const before = held.size;
    const closedAtOrigin = new Promise<void>((resolve) => silent!.once('connection', (s: Socket) => s.once('close', () => resolve())));
    const client = connect(edge.ports.h1!, '127.0.0.1');
    client.on('error', () => {});
    client.write('GET /leaving HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    await waitFor(() => held.size > before, 2000, 'the handshake to reach the origin');
    client.destroy();
    const leftAt = Date.now();
    await closedAtOrigin;
    // Well before the origin's 1 s headers timeout would have closed it (undici fires that at ~1.5 s).
    assert.ok(Date.now() - leftAt < 700, `origin connection closed ${Date.now() - leftAt} ms after the client left`);
    const active = async (): Promise<number> => valueOf((await scrape(edge.h1)).families, 'http_active_requests', { protocol: 'h1' });
    // The scrape itself is the one request in flight.
    assert.equal(await eventually(active, (n) => n === 1), 1);
  });
});
