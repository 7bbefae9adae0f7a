// /healthz and /readyz on every listener, and moved to the admin port when RWS_CONFIG_ADMIN_PORT is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { startServer, type TestServer } from '../support/start-server.js';

const h2 = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
const tls11 = new Agent({ connect: { rejectUnauthorized: false } });

async function get(url: string, method = 'GET', dispatcher?: Agent) {
  const r = await request(url, { method, dispatcher });
  const body = await r.body.text();
  return { status: r.statusCode, headers: r.headers, body };
}

describe('health endpoints on every listener', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(async () => s.close());

  for (const [name, base, dispatcher] of [
    ['h1', () => s.h1, undefined],
    ['h1 over TLS', () => s.tls, tls11],
    ['h2', () => s.tls, h2],
  ] as const) {
    it(`${name}: /healthz and /readyz answer 200, ignore the query, are not cached`, async () => {
      for (const path of ['/healthz', '/readyz', '/healthz?probe=1', '/readyz?x']) {
        const r = await get(base() + path, 'GET', dispatcher);
        assert.equal(r.status, 200, path);
        assert.equal(r.headers['cache-control'], 'no-store');
      }
      const head = await get(base() + '/healthz', 'HEAD', dispatcher);
      assert.equal(head.status, 200);
      assert.equal(head.body, '');
      const post = await get(base() + '/healthz', 'POST', dispatcher);
      assert.equal(post.status, 405);
      assert.equal(post.headers['allow'], 'GET, HEAD');
    });
  }

  it('/readyz answers 503 once draining while /healthz stays 200', async () => {
    const t = await startServer({ RWS_CONFIG_SHUTDOWN_DELAY_MS: '300' });
    const drained = t.server.shutdown.run('test');
    try {
      assert.equal((await get(t.h1 + '/readyz')).status, 503);
      assert.equal((await get(t.h1 + '/healthz')).status, 200);
    } finally {
      await drained;
    }
  });
});

describe('RWS_CONFIG_ADMIN_PORT moves the internal endpoints', () => {
  let s: TestServer;
  before(async () => (s = await startServer({ RWS_CONFIG_ADMIN_PORT: '0' })));
  after(async () => s.close());

  it('serves them on the admin port only', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      assert.equal((await get(s.admin + path)).status, 200, `admin ${path}`);
      assert.equal((await get(s.h1 + path)).status, 404, `h1 ${path}`);
      assert.equal((await get(s.tls + path, 'GET', h2)).status, 404, `h2 ${path}`);
    }
    assert.equal((await get(s.admin + '/index.html')).status, 404, 'admin serves nothing else');
  });
});

describe('startup readiness', () => {
  it('/readyz is 503 before the listeners are all bound', async () => {
    // The in-process lifecycle starts in "starting"; readiness is only granted by start().
    const { loadConfig } = await import('../../src/core/config/load-config.js');
    const { createServer } = await import('../../src/server.js');
    const { testDefaults } = await import('../support/start-server.js');
    const server = createServer(loadConfig(testDefaults, []).config);
    assert.equal(server.lifecycle.isReady(), false);
    await server.start();
    assert.equal(server.lifecycle.isReady(), true);
    await server.shutdown.run('test', { delayMs: 0 });
  });
});
