// A renewed certificate, swapped into the Secret volume the way the kubelet does it, is shown to new
// TLS connections (HTTP/2 and HTTP/1.1 over TLS) within the reload interval, without a restart; an
// HTTP/2 connection opened before the swap goes on working with the certificate it was made with; the
// expiry gauge follows the certificate being served.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type ClientHttp2Session } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { assertServesTls, reloaded, startOnVolume, tlsSeries, type ReloadFixture } from './support.js';

function get(session: ClientHttp2Session, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path });
    req.on('response', (h) => resolve(Number(h[':status'])));
    req.on('error', reject);
    req.resume();
    req.end();
  });
}

let f: ReloadFixture;
before(async () => (f = await startOnVolume({ RWS_CONFIG_TLS_RELOAD_INTERVAL_MS: '200', RWS_CONFIG_H3: 'off' })));
after(() => f.stop());

it('new connections get the renewed certificate; an HTTP/2 connection opened before keeps working', async () => {
  const { old, renewed, p } = f;
  const port = p.ports.tls!;
  await assertServesTls(port, old, 'the configured certificate at start');
  assert.deepEqual(await tlsSeries(p), { expiry: old.notAfterS, ok: 0, error: 0 });

  const session = connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
  try {
    assert.equal(await get(session, '/healthz'), 200);
    f.volume.update(renewed);
    await reloaded(p, renewed);
    await assertServesTls(port, renewed, 'the renewed certificate after the swap');
    assert.deepEqual(await tlsSeries(p), { expiry: renewed.notAfterS, ok: 1, error: 0 });

    // Same session, same TLS connection: made with the old certificate, it still answers.
    assert.equal(await get(session, '/healthz'), 200);
    assert.equal((session.socket as TLSSocket).getPeerCertificate().serialNumber, old.serial);
  } finally {
    session.close();
  }
});

it('a client that trusts only the renewed certificate verifies it on a new connection', async () => {
  const session = connect(`https://localhost:${f.p.ports.tls}`, { ca: f.renewed.cert });
  try {
    assert.equal(await get(session, '/healthz'), 200);
  } finally {
    session.close();
  }
});
