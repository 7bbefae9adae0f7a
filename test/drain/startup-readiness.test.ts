// Startup readiness: /readyz answers 503 ("starting") from the moment the first listener is bound until
// every listener is, while /healthz already answers 200; then /readyz answers 200. A fixture loaded with
// NODE_OPTIONS=--import holds every listen() after the first for a second, in a real process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { slowListen } from './fixtures.js';
import { logTime, probe, RawH1, sleep, type Probe } from './support.js';

const slowMs = 1000;

describe('startup readiness', () => {
  let server: ServerProcess;
  before(async () => {
    server = await spawnServer({ NODE_OPTIONS: slowListen, RWS_TEST_SLOW_LISTEN_MS: String(slowMs) }, [], { waitReady: false });
  });
  after(() => server.kill('SIGKILL'));

  it('/readyz is 503 until every listener is bound, /healthz is 200 throughout', async () => {
    const first = await server.waitForLog((e) => e.msg === 'listening');
    assert.equal(first.listener, 'h1');
    const port = first.port as number;
    const c = await RawH1.open(port);
    const early = await c.get('/readyz');
    assert.equal(early.status, 503);
    assert.equal(early.body.toString(), 'starting\n', 'the 503 body names the phase');

    let readyAt: number | undefined;
    void logTime(server, 'ready').then((t) => (readyAt = t));
    const probes: Probe[] = [];
    while (readyAt === undefined) {
      probes.push(await probe(port, '/readyz'), await probe(port, '/healthz'));
      await sleep(20);
    }
    const readyz = probes.filter((p) => p.path === '/readyz' && p.at < readyAt!);
    assert.ok(readyz.length >= 5, `probed /readyz ${readyz.length} times while starting`);
    assert.deepEqual(new Set(readyz.map((p) => p.status)), new Set([503]), JSON.stringify(readyz));
    assert.deepEqual(new Set(probes.filter((p) => p.path === '/healthz').map((p) => p.status)), new Set([200]));
    assert.ok(readyAt - Date.parse(first.time as string) >= slowMs - 100, 'ready came only after the slowed listeners');

    const now = await c.get('/readyz');
    c.close();
    assert.equal(now.status, 200, 'ready once every listener is bound');
  });
});
