// RWS_CONFIG_LOG_FORMAT=json, in a real process: every stdout line is one JSON object; access lines carry
// every documented field with its type; lifecycle events have their fields as top-level keys.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { testOrigin, type TestOrigin } from './origin.js';
import { closeAll, protocolClients, send, waitForAccess } from './support.js';

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('JSON access log', () => {
  let origin: TestOrigin;
  let p: ServerProcess;
  const clients = protocolClients();
  before(async () => {
    origin = await testOrigin();
    p = await spawnServer({ RWS_CONFIG_UPSTREAM: origin.url, RWS_CONFIG_ROOT: mkdtempSync(join(tmpdir(), 'rws-obs-')) });
  });
  after(async () => {
    await closeAll(clients);
    p.kill();
    await p.exited;
    await origin.close();
  });

  it('announces each listener and readiness with top-level fields', () => {
    const events = p.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const listening = events.filter((e) => e.msg === 'listening');
    assert.deepEqual(listening.map((e) => e.listener).sort(), Object.keys(p.ports).sort());
    for (const e of listening) {
      assert.equal(e.level, 'info');
      assert.match(e.time as string, iso);
      assert.equal(typeof e.port, 'number');
      assert.equal(e.address, '127.0.0.1');
    }
    assert.ok(events.some((e) => e.msg === 'ready' && e.level === 'info'));
  });

  for (const c of clients) {
    it(`${c.protocol}: one line per request with every field, typed`, async () => {
      const ua = `test-agent/${c.protocol} "quoted" \\ back`;
      const referer = `https://referrer.example/${c.protocol}?a=1&b=2`;
      const id = `log-${c.protocol}-1`;
      const proxied = await send(c, p, `/ok?from=${c.protocol}`, { headers: { 'user-agent': ua, referer, 'x-request-id': id } });
      const local = await send(c, p, '/healthz', { headers: { 'user-agent': ua } });
      const localId = local.headers['x-request-id'] as string;

      const [line] = await waitForAccess(p, (e) => e.req_id === id);
      assert.deepEqual(
        { ...line, time: 'T', duration_ms: 'D', upstream_ms: 'U' },
        {
          time: 'T',
          level: 'info',
          msg: 'request',
          req_id: id,
          remote_addr: '127.0.0.1',
          method: 'GET',
          path: `/ok?from=${c.protocol}`,
          protocol: c.protocol,
          status: 200,
          bytes: Buffer.byteLength(proxied.body),
          duration_ms: 'D',
          user_agent: ua,
          referer,
          route: 'proxy',
          upstream_ms: 'U',
        },
      );
      assert.match(line!.time as string, iso);
      assert.ok(Math.abs(Date.parse(line!.time as string) - Date.now()) < 60_000);
      assert.equal(typeof line!.duration_ms, 'number');
      assert.equal(typeof line!.upstream_ms, 'number');
      assert.ok((line!.upstream_ms as number) <= (line!.duration_ms as number));

      const [own] = await waitForAccess(p, (e) => e.req_id === localId);
      assert.equal(own!.route, 'healthz');
      assert.equal(own!.status, 200);
      assert.equal(own!.bytes, 3);
      assert.equal(own!.referer, '');
      assert.equal('upstream_ms' in own!, false, 'no upstream_ms when not proxied');
    });
  }

  it('every stdout line is a JSON object', () => {
    for (const line of p.lines) assert.equal(typeof JSON.parse(line), 'object', line);
  });

  it('drain start and end are events with top-level fields', async () => {
    p.kill('SIGTERM');
    const started = await p.waitForLog((e) => e.msg === 'drain started');
    assert.equal(started.reason, 'SIGTERM');
    const finished = await p.waitForLog((e) => e.msg === 'drain finished');
    assert.equal(typeof finished.exit_code, 'number');
    assert.equal((await p.exited).code, 0);
  });
});
