// The request id differs on every response, so HTTP/2 sends it as a never-indexed literal (RFC 7541
// §6.2.3) instead of inserting it into the HPACK dynamic table, where each id would evict entries that
// later responses reuse (src/h2/response-headers.ts). Read from nghttp's header trace, which marks a
// field received as never-indexed "sensitive", and from node's client, which lists such fields under
// http2.sensitiveHeaders.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect, sensitiveHeaders, type IncomingHttpHeaders } from 'node:http2';
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

it('nghttp receives every x-request-id as never-indexed, the other fields as indexable', async (t) => {
  const nghttp = clientBinary('nghttp');
  if (nghttp === undefined) return t.skip('nghttp not installed (bash scripts/install-clients.sh)');
  const urls = ['/hello.txt', '/healthz', '/missing'].map((p) => `${server.tls}${p}`);
  const { stdout } = await run(nghttp.path, ['-nv', ...urls], { timeout: 10_000 });
  const ids = stdout.split('\n').filter((l) => / x-request-id: /.test(l));
  assert.equal(ids.length, 3, stdout);
  for (const l of ids) assert.match(l, /\(stream_id=\d+, sensitive\) x-request-id: /, l);
  const cacheControl = stdout.split('\n').filter((l) => / cache-control: /.test(l) && /recv \(stream_id/.test(l));
  assert.ok(cacheControl.length >= 1, stdout);
  for (const l of cacheControl) assert.doesNotMatch(l, /sensitive/, l);
});

it("node's HTTP/2 client lists x-request-id among the never-indexed fields", async () => {
  const session = connect(server.tls, { rejectUnauthorized: false });
  try {
    const headers = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      const stream = session.request({ ':path': '/hello.txt' });
      stream.on('response', resolve);
      stream.on('error', reject);
      stream.resume();
    });
    assert.equal(typeof headers['x-request-id'], 'string');
    assert.deepEqual((headers as Record<symbol, unknown>)[sensitiveHeaders], ['x-request-id']);
  } finally {
    session.close();
  }
});
