// Core.handle answers synchronously when it knows the answer at once (health, readiness, refusals) and
// with a Promise when it needs I/O (files): listeners skip a Promise and a microtask per request on the
// cheap paths (src/core/settle.ts). The core here is the real one, with the real static handler.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCore } from '../../src/core/app.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import type { CoreRequest, CoreResponse } from '../../src/core/contract.js';
import { Lifecycle } from '../../src/core/lifecycle.js';
import { createObserver } from '../../src/core/observability/index.js';
import { createStaticHandler } from '../../src/core/static/index.js';

const { config } = loadConfig({ RWS_CONFIG_LOG_LEVEL: 'silent', RWS_CONFIG_MAX_BODY_SIZE: '1024' }, []);
const lifecycle = new Lifecycle();
const core = createCore({
  config,
  lifecycle,
  observer: createObserver(config, lifecycle),
  staticFiles: createStaticHandler(config),
  serveInternalEndpoints: true,
});

function request(method: string, path: string, headers: Record<string, string> = {}): CoreRequest {
  return {
    method, path, headers, scheme: 'https', authority: 'localhost', body: null, remoteAddress: '127.0.0.1',
    protocol: 'h2', signal: new AbortController().signal,
  };
}

function sync(res: CoreResponse | Promise<CoreResponse>): CoreResponse {
  assert.ok(!(res instanceof Promise), 'answered with a Promise');
  return res;
}

describe('Core.handle settles synchronously when it can', () => {
  it('health and readiness are plain values, with every decoration', () => {
    const health = sync(core.handle(request('GET', '/healthz')));
    assert.equal(health.status, 200);
    assert.equal(health.headers['x-content-type-options'], 'nosniff');
    assert.match(String(health.headers['x-request-id']), /^[A-Za-z0-9._:-]+$/);
    assert.ok(health.headers['strict-transport-security']);
    assert.equal(sync(core.handle(request('GET', '/readyz'))).status, 503); // still starting
    lifecycle.advance('ready');
    assert.equal(sync(core.handle(request('HEAD', '/readyz'))).status, 200);
    assert.equal(sync(core.handle(request('POST', '/healthz'))).status, 405);
  });

  it('a body over the limit is refused at once', () => {
    const res = sync(core.handle(request('POST', '/upload', { 'content-length': '4096' })));
    assert.equal(res.status, 413);
    assert.equal(res.headers['connection'], 'close');
  });

  it('two answers never share a header map (the listener and decorate() write into it)', () => {
    const a = sync(core.handle(request('GET', '/healthz')));
    const b = sync(core.handle(request('GET', '/healthz')));
    assert.notEqual(a.headers, b.headers);
    assert.notEqual(a.headers['x-request-id'], b.headers['x-request-id']);
  });

  it('files and /metrics need I/O: a Promise, decorated once it resolves', async () => {
    const file = core.handle(request('GET', '/index.html'));
    assert.ok(file instanceof Promise);
    const res = await file;
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const metrics = core.handle(request('GET', '/metrics'));
    assert.ok(metrics instanceof Promise);
    assert.equal((await metrics).status, 200);
  });
});
