// A WebSocket through the edge: undici's WebSocket client, the `ws` package as origin, over the plain
// HTTP/1.1 listener and over HTTP/1.1 on the TLS listener (ALPN http/1.1, as a browser opens one).
// Text, binary and a 1 MiB message come back as sent, and the origin sees the forwarding fields.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closedUndici, nextMessage, openUndici, tlsDispatcher, wsUrl, useWsEdge } from './websocket-support.js';

describe('websocket echo through the edge', () => {
  const dispatcher = tlsDispatcher();

  const ctx = useWsEdge();
  after(() => dispatcher.destroy());

  for (const listener of ['h1', 'tls'] as const) {
    it(`${listener}: text, binary and a 1 MiB message round-trip`, async () => {
      const url = wsUrl(listener === 'h1' ? ctx.edge.h1 : ctx.edge.tls, '/chat?room=1');
      const ws = await openUndici(url, listener === 'tls' ? { dispatcher } : {});
      ws.send('hello');
      assert.equal(await nextMessage(ws), 'hello');
      const bin = randomBytes(1000);
      ws.send(bin);
      assert.deepEqual(Buffer.from((await nextMessage(ws)) as ArrayBuffer), bin);
      const big = randomBytes(1024 * 1024);
      ws.send(big);
      assert.ok(Buffer.from((await nextMessage(ws)) as ArrayBuffer).equals(big), '1 MiB echoed intact');
      ws.close(1000);
      assert.equal(await closedUndici(ws), 1000);
      const seen = ctx.origin.accepted.at(-1)!;
      assert.equal(seen.req.url, '/chat?room=1');
      assert.equal(seen.req.headers['x-forwarded-proto'], listener === 'h1' ? 'http' : 'https');
      assert.equal(seen.req.headers['x-forwarded-for'], '127.0.0.1');
      assert.match(String(seen.req.headers['via']), /1\.1 rws-edge/);
      assert.equal(await seen.closed, 1000);
    });
  }
});
