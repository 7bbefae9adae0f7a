// When one side of a tunnel goes away (closes its TCP connection, or resets it), the other side is
// closed too: no half-dead tunnel, no socket left open, no uncaught exception, and the gauge goes back
// to 0. Clients are `ws`, whose sockets a test can cut.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { eventually, scrape } from '../observability/support.js';
import { valueOf } from '../observability/exposition.js';
import { wsUrl, useWsEdge } from './websocket-support.js';

/** A `ws` client through the edge, open, with its echo checked once. */
async function openWs(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  await once(ws, 'open');
  ws.send('hi');
  await once(ws, 'message');
  return ws;
}

const socketOf = (ws: WebSocket): Socket => (ws as unknown as { _socket: Socket })._socket;

describe('websocket tunnel when a side goes away', () => {
  const ctx = useWsEdge();

  const openTunnels = async (): Promise<number> => valueOf((await scrape(ctx.edge.h1)).families, 'rws_open_tunnels');
  // The scrape's own connection is the one left.
  const edgeConnections = async (): Promise<number> => valueOf((await scrape(ctx.edge.h1)).families, 'http_active_connections', { protocol: 'h1' });
  const originConnections = (): Promise<number> => new Promise((resolve) => ctx.origin.server.getConnections((_e, n) => resolve(n)));

  const cases: { name: string; cut: (client: WebSocket, server: WebSocket) => void; closes: 'origin' | 'client' }[] = [
    { name: 'the client closes its connection', cut: (client) => client.terminate(), closes: 'origin' },
    { name: 'the client resets its connection', cut: (client) => socketOf(client).resetAndDestroy(), closes: 'origin' },
    { name: 'the origin closes its connection', cut: (_c, server) => server.terminate(), closes: 'client' },
    { name: 'the origin resets its connection', cut: (_c, server) => socketOf(server).resetAndDestroy(), closes: 'client' },
  ];
  for (const c of cases) {
    it(`${c.name}: the ${c.closes} side is closed`, { timeout: 10_000 }, async () => {
      const client = await openWs(wsUrl(ctx.edge.h1));
      const server = ctx.origin.accepted.at(-1)!;
      assert.equal(await openTunnels(), 1);
      const clientClosed = once(client, 'close');
      c.cut(client, server.ws);
      const [code] = c.closes === 'origin' ? [await server.closed] : await clientClosed;
      assert.equal(code, 1006, 'closed without a closing handshake, as the cut side did');
      assert.equal(await eventually(openTunnels, (n) => n === 0), 0);
      assert.equal(await eventually(edgeConnections, (n) => n === 1), 1, 'the client connection is closed at the edge');
      assert.equal(await eventually(originConnections, (n) => n === 0), 0, 'the origin connection is closed');
    });
  }

  it('the edge still serves after all that', async () => {
    const client = await openWs(wsUrl(ctx.edge.h1));
    client.close(1000);
    const [code] = await once(client, 'close');
    assert.equal(code, 1000);
  });
});
