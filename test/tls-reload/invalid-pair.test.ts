// A swap that leaves an unusable pair (a key from another certificate, a truncated certificate) is
// refused: the previous certificate goes on being served over TLS and HTTP/3, a warn line names the
// variable and the reason, rws_tls_certificate_reloads_total{result="error"} counts it once, the
// process keeps running, and a later valid swap still applies.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerProcess } from '../support/spawn-server.js';
import { assertAnswersH3 } from '../h3/support.js';
import { assertServesTls, reloaded, startOnVolume, tlsSeries, type CertPair, type ReloadFixture, type SecretVolume } from './support.js';

describe('an invalid pair in the volume', () => {
  let f: ReloadFixture;
  let old: CertPair;
  let renewed: CertPair;
  let volume: SecretVolume;
  let p: ServerProcess;
  let warned = 0;

  /** Waits for the next refusal's warn line. */
  async function refusal(): Promise<Record<string, unknown>> {
    const n = ++warned;
    let seen = 0;
    return p.waitForLog((e) => e.level === 'warn' && e.msg === 'TLS certificate not reloaded; still serving the previous one' && ++seen === n, 5000);
  }

  before(async () => {
    f = await startOnVolume({ RWS_CONFIG_TLS_RELOAD_INTERVAL_MS: '200' });
    ({ old, renewed, volume, p } = f);
  });
  after(() => f.stop());

  it('a key that does not belong to the new certificate: the old pair stays', async () => {
    volume.update({ cert: renewed.cert, key: old.key });
    const warn = await refusal();
    assert.equal(warn.variable, 'RWS_CONFIG_TLS_KEY_FILE');
    assert.match(String(warn.reason), /not the private key of the certificate in RWS_CONFIG_TLS_CERT_FILE/);
    await assertServesTls(p.ports.tls!, old, 'the old certificate after a refused swap');
    await assertAnswersH3(p.ports.h3!);
    assert.deepEqual(await tlsSeries(p), { expiry: old.notAfterS, ok: 0, error: 1 });
  });

  it('a truncated certificate (a half-written file): the old pair stays', async () => {
    volume.update({ cert: renewed.cert.subarray(0, renewed.cert.length >> 1), key: renewed.key });
    const warn = await refusal();
    assert.equal(warn.variable, 'RWS_CONFIG_TLS_CERT_FILE');
    assert.match(String(warn.reason), /not a readable PEM certificate/);
    await assertServesTls(p.ports.tls!, old, 'the old certificate after a refused swap');
    // Refused once, not again at every interval while the files stay as they are.
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(await tlsSeries(p), { expiry: old.notAfterS, ok: 0, error: 2 });
  });

  it('a later valid swap applies, and the process never stopped', async () => {
    volume.update(renewed);
    await reloaded(p, renewed);
    await assertServesTls(p.ports.tls!, renewed, 'the renewed certificate');
    await assertAnswersH3(p.ports.h3!);
    assert.deepEqual(await tlsSeries(p), { expiry: renewed.notAfterS, ok: 1, error: 2 });
    assert.equal(p.child.exitCode, null);
  });
});
