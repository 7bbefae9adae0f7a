// An origin that refuses the handshake (a foreign Origin, a version it does not speak: RFC 6455 §4.2.2)
// is answered as it answered: status, headers and body reach the client as a normal response, and
// the connection is not tunnelled.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { handshake, useWsEdge } from './websocket-support.js';

describe('websocket handshake refused by the origin', () => {
  const ctx = useWsEdge({}, { refuse: { status: 403, body: 'origin not allowed' } });

  for (const listener of ['h1', 'tls'] as const) {
    it(`${listener}: the origin's 403 and its body reach the client`, async () => {
      const r = await handshake(listener === 'h1' ? ctx.edge.h1 : ctx.edge.tls, '/chat', { origin: 'https://evil.example' });
      assert.equal(r.status, 403);
      assert.equal(r.body, 'origin not allowed');
      assert.match(String(r.headers['via']), /rws-edge/);
      assert.equal(ctx.origin.accepted.length, 0);
    });
  }

  it('a version the origin does not speak: its 400 and Sec-WebSocket-Version list reach the client', async () => {
    const r = await handshake(ctx.edge.h1, '/chat', { 'sec-websocket-version': '7' });
    assert.equal(r.status, 400);
    assert.equal(r.headers['sec-websocket-version'], '13, 8');
  });
});
