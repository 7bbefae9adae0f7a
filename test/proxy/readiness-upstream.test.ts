// RWS_CONFIG_READY_REQUIRES_UPSTREAM: /readyz answers 503 while the origin is down and 200 once it has
// answered; without the option the origin does not matter to readiness.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import type { TestServer } from '../support/start-server.js';
import { closedPort, startEdge, startOrigin, type Origin } from './support.js';

async function readyz(s: TestServer): Promise<number> {
  const r = await request(`${s.h1}/readyz`);
  await r.body.dump();
  return r.statusCode;
}

describe('readiness gated on the origin', () => {
  const edges: TestServer[] = [];
  let origin: Origin | undefined;
  after(async () => {
    await Promise.all(edges.map((e) => e.close()));
    await origin?.close();
  });

  it('503 while the origin is down, 200 once it answers', async () => {
    const port = await closedPort();
    const edge = await startEdge(`http://127.0.0.1:${port}`, { RWS_CONFIG_READY_REQUIRES_UPSTREAM: 'on' });
    edges.push(edge);
    // Several probe intervals pass with the origin down: still not ready.
    for (let i = 0; i < 4; i++) {
      assert.equal(await readyz(edge), 503);
      await new Promise((r) => setTimeout(r, 200));
    }
    origin = await startOrigin((_req, res) => res.end(), port);
    let status = 0;
    const until = Date.now() + 3000;
    while (status !== 200 && Date.now() < until) {
      status = await readyz(edge);
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 200);
  });

  it('without the option, /readyz does not wait for the origin', async () => {
    const edge = await startEdge(`http://127.0.0.1:${await closedPort()}`);
    edges.push(edge);
    assert.equal(await readyz(edge), 200);
  });
});
