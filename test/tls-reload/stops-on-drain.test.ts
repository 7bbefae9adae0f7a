// The reload stops when shutdown begins: a swap made after SIGTERM, while the shutdown delay still
// serves, is not picked up, and the process exits on its own with the polling timer stopped.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertServesTls, startOnVolume, type ReloadFixture } from './support.js';

let f: ReloadFixture;
before(async () => (f = await startOnVolume({ RWS_CONFIG_TLS_RELOAD_INTERVAL_MS: '100', RWS_CONFIG_H3: 'off', RWS_CONFIG_SHUTDOWN_DELAY_MS: '1500' })));
after(() => f.stop());

it('no reload after SIGTERM; the process exits 0', async () => {
  f.p.kill('SIGTERM');
  await f.p.waitForLog((e) => e.msg === 'drain started');
  f.volume.update(f.renewed);
  // Five intervals, well inside the shutdown delay: the TLS listener still accepts.
  await new Promise((r) => setTimeout(r, 500));
  await assertServesTls(f.p.ports.tls!, f.old, 'the certificate of before the shutdown');
  assert.deepEqual(await f.p.exited, { code: 0, signal: null });
  assert.ok(!f.p.lines.some((l) => l.includes('TLS certificate reloaded')), 'no reload logged');
});
