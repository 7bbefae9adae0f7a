// RWS_CONFIG_TUNNEL_IDLE_TIMEOUT_MS: a tunnel with no byte either way for that long is closed on both
// sides, on the plain listener and over TLS; one that carries traffic, in either direction, stays open
// past it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scrape } from '../observability/support.js';
import { valueOf } from '../observability/exposition.js';
import { closedUndici, nextMessage, openUndici, tlsDispatcher, wsUrl, useWsEdge } from './websocket-support.js';

const idleMs = 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('websocket tunnel idle timeout', () => {
  const ctx = useWsEdge({ RWS_CONFIG_TUNNEL_IDLE_TIMEOUT_MS: String(idleMs) });

  for (const listener of ['plain', 'TLS'] as const) {
    it(`closes a silent tunnel on both sides after the timeout (${listener})`, async () => {
      const started = Date.now();
      const ws = listener === 'plain' ? await openUndici(wsUrl(ctx.edge.h1)) : await openUndici(wsUrl(ctx.edge.tls), { dispatcher: tlsDispatcher() });
      const code = await Promise.race([closedUndici(ws), sleep(idleMs + 3000).then(() => 'still open')]);
      const took = Date.now() - started;
      assert.equal(code, 1006, 'closed without a closing handshake');
      assert.ok(took >= idleMs - 50 && took < idleMs + 1500, `closed after ${took} ms`);
      assert.equal(await ctx.origin.accepted.at(-1)!.closed, 1006, 'the origin side is closed too');
      assert.equal(valueOf((await scrape(ctx.edge.h1)).families, 'rws_open_tunnels'), 0);
    });
  }

  it('keeps a tunnel with traffic open past the timeout, whichever way the bytes go', async () => {
    const ws = await openUndici(wsUrl(ctx.edge.h1));
    // Client to origin (echoed back) for 2.5 timeouts…
    for (let t = 0; t < 2.5 * idleMs; t += idleMs / 4) {
      ws.send('ping');
      assert.equal(await nextMessage(ws), 'ping');
      await sleep(idleMs / 4);
    }
    // …then origin to client only.
    const server = ctx.origin.accepted.at(-1)!.ws;
    for (let t = 0; t < 2 * idleMs; t += idleMs / 4) {
      server.send('tick');
      assert.equal(await nextMessage(ws), 'tick');
      await sleep(idleMs / 4);
    }
    assert.equal(ws.readyState, ws.OPEN);
    ws.close(1000);
    assert.equal(await closedUndici(ws), 1000);
  });
});
