// SIGINT drains like SIGTERM but without the shutdown delay: listeners stop accepting at once, in-flight
// requests finish (HTTP/1.1 with Connection: close), and the process exits 0.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exitOf, probe, RawH1, sleep, useEdge } from './support.js';

describe('SIGINT', () => {
  // A long configured delay that SIGINT must skip.
  const edge = useEdge({ RWS_CONFIG_SHUTDOWN_DELAY_MS: '10000', RWS_CONFIG_DRAIN_TIMEOUT_MS: '10000' });

  it('drains without the delay and exits 0', async () => {

    const { origin, server } = edge;
    const exit = exitOf(server);
    const conn = await RawH1.open(server.ports.h1!);
    const inflight = conn.get('/slow/int?ms=800');
    while (!origin.seen.includes('/slow/int?ms=800')) await sleep(10);

    server.kill('SIGINT');
    const sigAt = Date.now();
    const started = await server.waitForLog((e) => e.msg === 'drain started');
    assert.equal(started.reason, 'SIGINT');
    assert.equal(started.delay_ms, 0);
    await server.waitForLog((e) => e.msg === 'listeners draining');
    const refused = await probe(server.ports.h1!, '/healthz');
    assert.equal(refused.error, 'ECONNREFUSED', `new connections are refused at once: ${JSON.stringify(refused)}`);
    assert.ok(refused.at - sigAt < 1000, `refused ${refused.at - sigAt} ms after SIGINT`);

    const r = await inflight;
    assert.equal(r.status, 200);
    assert.equal(r.headers['connection'], 'close');
    assert.equal(r.body.toString(), 'slow int\n');
    const { code, at } = await exit;
    assert.equal(code, 0, server.stderr());
    assert.ok(at - r.endAt < 900, `exited ${at - r.endAt} ms after the last response`);
    console.log(`# SIGINT: refused ${refused.at - sigAt} ms after the signal; exit ${at - r.endAt} ms after the last response`);
  });
});
