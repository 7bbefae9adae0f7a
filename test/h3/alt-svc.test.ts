// Alt-Svc (RFC 7838) advertises HTTP/3 on the TLS port: on every HTTP/2 and HTTP/1.1-over-TLS
// response (files, errors, health), never on plain HTTP nor on HTTP/3 itself. RWS_CONFIG_ALT_SVC_PORT
// and RWS_CONFIG_ALT_SVC_MAX_AGE change what is advertised; RWS_CONFIG_H3=off removes both the
// listener and the header. Checked with curl, which reports the protocol each answer came over.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureSite } from '../conformance/site.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { curlFetch, curlH3, fetchH3 } from './support.js';

async function withServer(env: Record<string, string>, body: (s: TestServer) => Promise<void>): Promise<void> {
  const s = await startServer({ RWS_CONFIG_ROOT: fixtureSite, ...env });
  try {
    await body(s);
  } finally {
    await s.close();
  }
}

/** The Alt-Svc of `path` over HTTP/2 and over HTTP/1.1 with TLS, after checking each protocol was used. */
async function tlsAltSvc(s: TestServer, path: string): Promise<(string | undefined)[]> {
  const h2 = await curlFetch(`${s.tls}${path}`, ['--http2']);
  assert.equal(h2.version, '2');
  const h1 = await curlFetch(`${s.tls}${path}`, ['--http1.1']);
  assert.equal(h1.version, '1.1');
  return [h2.headers['alt-svc'], h1.headers['alt-svc']];
}

describe('Alt-Svc', () => {
  test('h2 and HTTP/1.1 over TLS advertise h3 on the TLS port; plain HTTP and h3 do not', async () => {
    await withServer({}, async (s) => {
      const want = `h3=":${s.ports.tls}"; ma=86400`;
      assert.equal(s.ports.h3, s.ports.tls, 'HTTP/3 listens on the TLS port number');
      for (const path of ['/hello.txt', '/no-such-file', '/healthz']) assert.deepEqual(await tlsAltSvc(s, path), [want, want], path);
      const plain = await curlFetch(`${s.h1}/hello.txt`, ['--http1.1']);
      assert.equal(plain.status, 200);
      assert.equal(plain.headers['alt-svc'], undefined);
      const h3 = await fetchH3(s.ports.h3!, '/hello.txt');
      assert.equal(h3.status, 200);
      assert.equal(h3.headers['alt-svc'], undefined);
    });
  });

  test('RWS_CONFIG_ALT_SVC_PORT and RWS_CONFIG_ALT_SVC_MAX_AGE set the advertised port and max-age', async () => {
    await withServer({ RWS_CONFIG_ALT_SVC_PORT: '443', RWS_CONFIG_ALT_SVC_MAX_AGE: '3600' }, async (s) => {
      assert.deepEqual(await tlsAltSvc(s, '/hello.txt'), ['h3=":443"; ma=3600', 'h3=":443"; ma=3600']);
    });
  });

  test('RWS_CONFIG_H3=off: no HTTP/3 listener and no Alt-Svc', async () => {
    await withServer({ RWS_CONFIG_H3: 'off' }, async (s) => {
      assert.equal(s.ports.h3, undefined);
      assert.deepEqual(await tlsAltSvc(s, '/hello.txt'), [undefined, undefined]);
      // Nothing on the UDP port: curl is refused at once (ICMP port unreachable), exit 7.
      const r = await curlH3(s.ports.tls!, '/hello.txt', ['-o', '/dev/null', '--max-time', '5']);
      assert.equal(r.code, 7, r.stderr);
    });
  });
});
