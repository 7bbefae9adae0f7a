// RWS_CONFIG_TLS_RELOAD_INTERVAL_MS=0 turns the reload off: a swapped volume is not read again, and the
// certificate loaded at start is served until a restart.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertServesTls, startOnVolume, tlsSeries, type ReloadFixture } from './support.js';

let f: ReloadFixture;
before(async () => (f = await startOnVolume({ RWS_CONFIG_TLS_RELOAD_INTERVAL_MS: '0', RWS_CONFIG_H3: 'off' })));
after(() => f.stop());

it('with the interval at 0 a swap is not picked up', async () => {
  f.volume.update(f.renewed);
  // Five times the shortest interval the option allows.
  await new Promise((r) => setTimeout(r, 500));
  await assertServesTls(f.p.ports.tls!, f.old, 'still the certificate loaded at start');
  assert.deepEqual(await tlsSeries(f.p), { expiry: f.old.notAfterS, ok: 0, error: 0 });
});
