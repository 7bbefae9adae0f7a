// The shutdown coordinator closes the origin connection pool once the listeners have drained: the
// origin sees the edge's keep-alive connections go at once, not when their idle timeout runs out.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { request } from 'undici';
import { startEdge, startOrigin, waitFor } from './support.js';

it('closes the pooled origin connections on shutdown', async () => {
  const origin = await startOrigin((_req, res) => res.end('ok'));
  const open = new Set<Socket>();
  origin.server.on('connection', (s: Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  });
  origin.server.keepAliveTimeout = 60_000;
  const edge = await startEdge(origin.url);
  try {
    const r = await request(`${edge.h1}/x`);
    assert.equal(await r.body.text(), 'ok');
    assert.equal(open.size, 1, 'one pooled keep-alive connection');
    await edge.close();
    // undici would keep an idle connection for seconds; closing the pool ends it now.
    await waitFor(() => open.size === 0, 1000, 'the origin connection to close');
  } finally {
    await edge.close();
    await origin.close();
  }
});
