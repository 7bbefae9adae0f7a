// The origin's choice among the subprotocols a client offers reaches the client unchanged: the
// Sec-WebSocket-Protocol fields go through the edge both ways (RFC 6455 §4.1, §4.2.2), with the
// handshake's other Sec-WebSocket-* fields.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closedUndici, openUndici, wsUrl, useWsEdge } from './websocket-support.js';

describe('websocket subprotocol negotiation', () => {
  const ctx = useWsEdge();

  it('relays the offered list to the origin and its pick back to the client', async () => {
    const ws = await openUndici(wsUrl(ctx.edge.h1), { protocols: ['chat.v2', 'chat.v1'] });
    assert.equal(ws.protocol, 'chat.v2');
    const seen = ctx.origin.accepted.at(-1)!.req.headers;
    assert.equal(seen['sec-websocket-protocol'], 'chat.v2, chat.v1');
    assert.equal(seen['sec-websocket-version'], '13');
    assert.equal(seen['upgrade'], 'websocket');
    ws.close(1000);
    await closedUndici(ws);
  });
});
