// What undici cannot show: the HTTP/2 SETTINGS the server sends, read from nghttp's frame trace.
// MAX_CONCURRENT_STREAMS must be RWS_CONFIG_MAX_CONCURRENT_STREAMS (default 100).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { startServer, type TestServer } from '../support/start-server.js';
import { clientBinary } from './client-binary.js';
import { fixtureSite } from './site.js';

const run = promisify(execFile);
let server: TestServer;

before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite });
});

after(async () => {
  await server?.close();
});

it('the server SETTINGS announce 100 concurrent streams', async (t) => {
  const nghttp = clientBinary('nghttp');
  if (nghttp === undefined) return t.skip('nghttp not installed (bash scripts/install-clients.sh)');
  const { stdout } = await run(nghttp.path, ['-nv', `${server.tls}/hello.txt`], { timeout: 10_000 });
  const settings = stdout.split('\n').findIndex((l) => /recv SETTINGS frame <length=\d+, flags=0x00/.test(l));
  assert.ok(settings !== -1, `no server SETTINGS in:\n${stdout}`);
  const block = stdout.split('\n').slice(settings, settings + 8).join('\n');
  assert.match(block, /SETTINGS_MAX_CONCURRENT_STREAMS\(0x03\):100\b/, block);
});
