// OPTIONS * asks about the server itself (RFC 9110 §9.3.7; RFC 9112 §3.2.4): 204 on every listener,
// answered by the edge, not forwarded. "*" with any other method is malformed: 400 on HTTP/1.1; HTTP/2's
// and HTTP/3's own validation (nghttp2, src/h3/request-head.ts) reset such a stream before the core.
// Real client: curl with --request-target.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { h3Url, runClient } from '../h3/support.js';
import { clients } from '../support/clients.js';
import { startServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server?.close());

async function status(args: string[], url: string, method: string): Promise<string> {
  const r = await runClient(clients().curl, ['-sk', '--max-time', '10', '-o', '/dev/null', '-w', '%{http_version} %{http_code}', '-X', method, '--request-target', '*', ...args, url]);
  return r.stdout.toString();
}

const listeners: [string, string[], () => string, string][] = [
  ['HTTP/1.1', ['--http1.1'], () => `${server.h1}/`, '1.1'],
  ['HTTP/2', ['--http2'], () => `${server.tls}/`, '2'],
  ['HTTP/3', ['--http3-only'], () => h3Url(server.ports.h3!, '/'), '3'],
];

describe('OPTIONS *', () => {
  for (const [name, args, url, version] of listeners) {
    it(`${name}: 204`, async () => {
      assert.equal(await status(args, url(), 'OPTIONS'), `${version} 204`);
    });
  }

  it('HTTP/1.1: GET * is 400', async () => {
    assert.equal(await status(['--http1.1'], `${server.h1}/`, 'GET'), '1.1 400');
  });
});
