// Requests with Upgrade that are not tunnelled are served as they were before tunnels existed (RFC 9110
// §7.8 lets a server ignore Upgrade): without an origin; /healthz and static files with one; and any
// Upgrade other than a WebSocket GET (curl's h2c upgrade on http://). node 20 hands all of these to the
// 'upgrade' listener once there is one (src/node-http/serve-upgrade.ts); none may hang or be dropped.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startServer, type TestServer } from '../support/start-server.js';
import { startOrigin, type Origin } from './support.js';
import { handshake } from './websocket-support.js';

const run = promisify(execFile);

/** curl's h2c upgrade (Upgrade: h2c, HTTP2-Settings) on http://; the status and body it got. */
async function curlH2c(url: string, extra: string[] = []): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-sS', '--http2', '--max-time', '10', '-w', '\n%{http_code}', ...extra, url]);
  const nl = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(nl + 1)), body: stdout.slice(0, nl) };
}

// Node >= 24.9 asks shouldUpgradeCallback, so a request that is not a WebSocket handshake never leaves
// node's parser and its body is read; node 20 detaches every Upgrade request, and one with a body is refused.
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const upgradeCallback = major > 24 || (major === 24 && minor >= 9);

describe('Upgrade requests that are not tunnelled', () => {
  let root: string;
  let origin: Origin;
  const seen: { url: string; upgrade: string | undefined; body: string }[] = [];
  let proxied: TestServer;
  let alone: TestServer;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'rws-ws-'));
    writeFileSync(join(root, 'page.html'), '<p>static</p>');
    origin = await startOrigin((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ url: req.url!, upgrade: req.headers['upgrade'], body });
        res.end(`origin ${req.method} ${req.url}`);
      });
    });
    proxied = await startServer({ RWS_CONFIG_UPSTREAM: origin.url, RWS_CONFIG_ROOT: root });
    alone = await startServer({ RWS_CONFIG_ROOT: root });
  });
  after(async () => {
    await proxied.close();
    await alone.close();
    await origin.close();
  });

  it('without an origin: a WebSocket handshake gets the file, or the 404, as any GET', async () => {
    const file = await handshake(alone.h1, '/page.html');
    assert.equal(file.status, 200);
    assert.equal(file.body, '<p>static</p>');
    const missing = await handshake(alone.tls, '/nothing-here');
    assert.equal(missing.status, 404);
  });

  it('with an origin: /healthz and a static file answer a WebSocket handshake themselves', async () => {
    for (const base of [proxied.h1, proxied.tls]) {
      const health = await handshake(base, '/healthz');
      assert.equal(health.status, 200);
      const file = await handshake(base, '/page.html');
      assert.equal(file.status, 200);
      assert.equal(file.body, '<p>static</p>');
    }
    assert.equal(seen.length, 0, 'the origin saw none of them');
  });

  it('with an origin: curl --http2 http:// (Upgrade: h2c) is proxied as a plain request, 200', async () => {
    seen.length = 0;
    const r = await curlH2c(`${proxied.h1}/h2c?x=1`);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'origin GET /h2c?x=1');
    assert.deepEqual(seen, [{ url: '/h2c?x=1', upgrade: undefined, body: '' }]);
  });

  it(`with an origin: an h2c upgrade with a body is ${upgradeCallback ? 'proxied (200)' : 'refused (400)'}, never left hanging`, async () => {
    seen.length = 0;
    const r = await curlH2c(`${proxied.h1}/upload`, ['--data-binary', 'payload']);
    if (upgradeCallback) {
      assert.equal(r.status, 200);
      assert.deepEqual(seen, [{ url: '/upload', upgrade: undefined, body: 'payload' }]);
    } else {
      assert.equal(r.status, 400);
      assert.equal(seen.length, 0);
    }
  });
});
