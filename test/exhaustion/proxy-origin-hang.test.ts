// An origin that never answers: 200 proxied requests at once (more than the 128 pooled origin
// connections, RWS_CONFIG_UPSTREAM_CONNECTIONS) to a path the origin holds forever. Each is answered
// 504 once RWS_CONFIG_UPSTREAM_TIMEOUT_MS (1 s here) has passed on its origin connection (the 72 that
// wait for a pooled connection first take up to twice that), and the origin sees every held request
// closed. Meanwhile static files and /healthz are served as usual, over HTTP/1.1 and HTTP/2; a proxied
// path the origin answers at once waits for a pooled connection like any other (measured below).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { startOrigin, type Origin } from '../proxy/support.js';
import { eventually } from '../observability/support.js';
import { startTarget, underAttack, type Target } from './support.js';

const REQUESTS = 200;
const TIMEOUT_MS = 1000;
let origin: Origin;
const held = new Set<ServerResponse>();
let target: Target;
before(async () => {
  origin = await startOrigin((req, res) => {
    if (req.url === '/fast') return void res.end('fast');
    held.add(res); // never answered
    res.once('close', () => held.delete(res));
  });
  target = await startTarget({ RWS_CONFIG_UPSTREAM: origin.url, RWS_CONFIG_UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) });
});
after(async () => {
  await target?.stop();
  await origin?.close();
});

test('200 requests to a silent origin: all 504 at the upstream timeout, others served', async () => {
  const h1 = new Agent({ connections: REQUESTS });
  const started = Date.now();
  let fastMs = -1;
  try {
    const results = await underAttack(target, `proxy: ${REQUESTS} requests to a silent origin`, async () => {
      const all = Array.from({ length: REQUESTS }, async () => {
        const r = await request(`${target.h1}/hang`, { dispatcher: h1, headersTimeout: 10_000 });
        await r.body.dump();
        return { status: r.statusCode, ms: Date.now() - started };
      });
      // A proxied path the origin answers at once, asked while the pool is full of held requests.
      const t0 = Date.now();
      const fast = await request(`${target.h1}/fast`, { headers: { connection: 'close' } });
      assert.equal(await fast.body.text(), 'fast');
      fastMs = Date.now() - t0;
      return Promise.all(all);
    });
    const statuses = [...new Set(results.map((r) => r.status))];
    assert.deepEqual(statuses, [504]);
    const latest = Math.max(...results.map((r) => r.ms));
    console.log(`silent origin: all ${REQUESTS} answered 504 within ${latest} ms; a fast proxied path took ${fastMs} ms meanwhile`);
    assert.ok(latest < 3 * TIMEOUT_MS + 2000, `the last 504 came after ${latest} ms`);
    assert.ok(Math.min(...results.map((r) => r.ms)) >= TIMEOUT_MS - 50, 'not before the timeout');
  } finally {
    await h1.destroy();
  }
  const left = await eventually(async () => held.size, (n) => n === 0, 3000);
  assert.equal(left, 0, 'the origin saw every held request closed');
});
