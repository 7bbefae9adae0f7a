// A renewed certificate reaches HTTP/3 too: after the kubelet-style swap, a new QUIC connection (curl
// over HTTP/3 only, verifying against one certificate at a time) is shown the renewed certificate and no
// longer the old one; a QUIC connection opened before the swap goes on serving requests after it (the
// old quiche Config is replaced, while each connection's TLS session keeps its own reference).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { clients } from '../support/clients.js';
import { getRequest, QuicClient } from '../support/quic-client.js';
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

/** GET `path` on request stream `id` of an open connection: the response stream's bytes, to its FIN. */
async function get(c: QuicClient, id: number, path: string): Promise<Buffer> {
  c.send(id, getRequest(path), true);
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(64 * 1024);
  for (const until = Date.now() + 5000; Date.now() < until; await sleep(5)) {
    if (!c.conn.streamReadable(id)) continue;
    const r = c.conn.streamRecv(id, buf);
    c.flush();
    if (r === null) continue;
    chunks.push(Buffer.from(buf.subarray(0, r[0])));
    if (r[1]) return Buffer.concat(chunks);
  }
  throw new Error(`no complete response on stream ${id} in 5 s`);
}

it('a QUIC connection opened before a swap goes on serving requests after it', async () => {
  const c = await QuicClient.connect(f.p.ports.h3!);
  try {
    // A HEADERS frame first (type 0x01), the body "ok" in the DATA frame that ends the stream.
    const before = await get(c, 0, '/healthz');
    assert.equal(before[0], 0x01);
    assert.equal(before.subarray(-3).toString('latin1'), 'ok\n');
    f.volume.update(f.old);
    await reloaded(f.p, f.old);
    for (let i = 1; i <= 3; i++) {
      const res = await get(c, 4 * i, '/healthz');
      assert.equal(res.subarray(-3).toString('latin1'), 'ok\n', `request ${i} after the swap`);
    }
    assert.equal(c.conn.peerError(), null, 'the connection was not closed');
  } finally {
    c.close();
  }
});
