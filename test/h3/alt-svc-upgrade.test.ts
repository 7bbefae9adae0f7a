// A real Alt-Svc upgrade: curl with an alt-svc cache file asks over TCP first (HTTP/2), stores the
// server's `h3=":port"` advertisement, and its next request to the same origin goes over HTTP/3.
// curl only uses an alternative whose certificate it trusts, so the development certificate is given
// as the CA and the origin is https://localhost (a name the certificate covers), pinned to 127.0.0.1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/package-root.js';
import { fixtureSite } from '../conformance/site.js';
import { clients } from '../support/clients.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { runClient, tempRoot, type TempRoot } from './support.js';

let server: TestServer;
let work: TempRoot;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite });
  work = await tempRoot({});
});
after(async () => {
  await server?.close();
  await work?.remove();
});

test('the first request goes over h2, the next over h3 from the Alt-Svc cache', async () => {
  const port = server.ports.tls!;
  const cache = join(work.dir, 'alt-svc.txt');
  const get = () =>
    runClient(clients().curl, [
      '-sS', '--max-time', '10', '--alt-svc', cache, '--cacert', join(packageRoot, 'certs-dev', 'cert.pem'),
      '--resolve', `localhost:${port}:127.0.0.1`, '-o', '/dev/null', '-w', '%{http_version} %{http_code}', `https://localhost:${port}/hello.txt`,
    ]);
  const first = await get();
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout.toString(), '2 200');
  const second = await get();
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout.toString(), '3 200', 'the second request used the advertised HTTP/3 endpoint');
});
