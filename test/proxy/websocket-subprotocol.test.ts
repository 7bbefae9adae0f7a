// The origin's choice among the subprotocols a client offers reaches the client unchanged: the
// Sec-WebSocket-Protocol fields go through the edge both ways (RFC 6455 §4.1, §4.2.2), with the
// handshake's other Sec-WebSocket-* fields.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/start-server.js';
import { startEdge } from './support.js';
import { closedUndici, openUndici, startWsOrigin, wsUrl, type WsOrigin } from './websocket-support.js';

describe('websocket subprotocol negotiation', () => {
  let origin: WsOrigin;
  let edge: TestServer;

  before(async () => {
    origin = await startWsOrigin();
    edge = await startEdge(origin.url);
  });
  after(async () => {
    await edge.close();
    await origin.close();
  });

  it('relays the offered list to the origin and its pick back to the client', async () => {
    const ws = await openUndici(wsUrl(edge.h1), { protocols: ['chat.v2', 'chat.v1'] });
    assert.equal(ws.protocol, 'chat.v2');
    const seen = origin.accepted.at(-1)!.req.headers;
    assert.equal(seen['sec-websocket-protocol'], 'chat.v2, chat.v1');
    assert.equal(seen['sec-websocket-version'], '13');
    assert.equal(seen['upgrade'], 'websocket');
    ws.close(1000);
    await closedUndici(ws);
  });
});
