// 100 concurrent request streams on one QUIC connection (the server's stream limit), 1000 requests in
// all, from h3load (quic-go): every one 2xx, none failed, one handshake; nothing left in flight after.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureSite } from '../conformance/site.js';
import { valueOf } from '../observability/exposition.js';
import { scrape } from '../observability/support.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { assertAnswersH3, h3load, h3Url, settledH3Requests } from './support.js';

let server: TestServer;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite, RWS_CONFIG_MAX_CONCURRENT_STREAMS: '100' });
});
after(() => server.close());

test('h3load -c 1 -m 100 -n 1000: all 2xx on one connection', { timeout: 60_000 }, async () => {
  const handshakes = async (): Promise<number> => valueOf((await scrape(server.h1)).families, 'rws_quic_handshakes_total');
  const before = await handshakes();
  const r = await h3load(['-c', '1', '-m', '100', '-n', '1000', '-url', h3Url(server.ports.h3!, '/hello.txt')], { timeoutMs: 50_000 });
  assert.equal(r.code, 0, `${r.stdout.toString()}${r.stderr}`);
  assert.match(r.stdout.toString(), /^h3load: 1000 ok, 0 failed, 0 non-2xx in /);
  assert.equal((await handshakes()) - before, 1, 'one QUIC connection carried them all');
  assert.equal(await settledH3Requests(server.h1), 0);
  await assertAnswersH3(server.ports.h3!);
});
