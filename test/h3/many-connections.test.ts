// 50 QUIC connections at once, 2 streams each, 2000 requests in all, from h3load (quic-go): every one
// 2xx; the handshakes all completed (rws_quic_handshakes_total); nothing is left in flight afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureSite } from '../conformance/site.js';
import { valueOf } from '../observability/exposition.js';
import { scrape } from '../observability/support.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { assertAnswersH3, h3load, h3Url, settledH3Requests } from './support.js';

let server: TestServer;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite });
});
after(() => server.close());

test('h3load -c 50 -m 2 -n 2000: all 2xx over 50 connections', { timeout: 90_000 }, async () => {
  const before = valueOf((await scrape(server.h1)).families, 'rws_quic_handshakes_total');
  const r = await h3load(['-c', '50', '-m', '2', '-n', '2000', '-url', h3Url(server.ports.h3!, '/hello.txt')], { timeoutMs: 80_000 });
  assert.equal(r.code, 0, `${r.stdout.toString()}${r.stderr}`);
  assert.match(r.stdout.toString(), /^h3load: 2000 ok, 0 failed, 0 non-2xx in /);
  const handshakes = valueOf((await scrape(server.h1)).families, 'rws_quic_handshakes_total') - before;
  assert.ok(handshakes >= 50, `${handshakes} handshakes for 50 connections`);
  assert.equal(await settledH3Requests(server.h1), 0);
  await assertAnswersH3(server.ports.h3!);
});
