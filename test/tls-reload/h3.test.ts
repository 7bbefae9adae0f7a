// A renewed certificate reaches HTTP/3 too: after the kubelet-style swap, a new QUIC connection (curl
// over HTTP/3 only, verifying against one certificate at a time) is shown the renewed certificate and no
// longer the old one.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { clients } from '../support/clients.js';
import { h3Url, runClient } from '../h3/support.js';
import { reloaded, startOnVolume, type CertPair, type ReloadFixture } from './support.js';

// curl exits 60 when the server's certificate does not verify against --cacert.
const NOT_VERIFIED = 60;

/** curl over HTTP/3 only, trusting only `ca`: its exit code, and '3 200' on success. */
async function h3Trusting(port: number, ca: CertPair): Promise<{ code: number | null; out: string }> {
  const r = await runClient(clients().curl, ['--http3-only', '--cacert', ca.certFile, '-sS', '--max-time', '10', '-o', '/dev/null', '-w', '%{http_version} %{http_code}', h3Url(port, '/healthz')]);
  return { code: r.code, out: r.stdout.toString() };
}

let f: ReloadFixture;
before(async () => (f = await startOnVolume({ RWS_CONFIG_TLS_RELOAD_INTERVAL_MS: '200' })));
after(() => f.stop());

it('new QUIC connections are shown the renewed certificate after the swap', async () => {
  const port = f.p.ports.h3!;
  assert.deepEqual(await h3Trusting(port, f.old), { code: 0, out: '3 200' }, 'the configured certificate at start');
  assert.equal((await h3Trusting(port, f.renewed)).code, NOT_VERIFIED, 'not yet the renewed one');

  f.volume.update(f.renewed);
  await reloaded(f.p, f.renewed);

  assert.deepEqual(await h3Trusting(port, f.renewed), { code: 0, out: '3 200' }, 'the renewed certificate');
  assert.equal((await h3Trusting(port, f.old)).code, NOT_VERIFIED, 'no longer the old one');
});
