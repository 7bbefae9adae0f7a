// A request's authority is forwarded to the origin as Host, so each listener refuses one that is not an
// authority (src/core/authority.ts) with 400 before it reaches the core: userinfo (forbidden for http and
// https, RFC 9110 §4.2.4), a space, two hosts, a Host that differs from :authority (RFC 9113 §8.3.1).
// Raw HTTP/2 frames: node's client would not send most of these.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { H2Code, H2Wire, request } from '../support/h2-frames.js';
import { startServer, type TestServer } from '../support/start-server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server?.close());

/**
 * The :status of a GET /healthz whose request carries `authority` and, optionally, a Host line; or
 * 'reset' when the stream was reset with PROTOCOL_ERROR instead (nghttp2 refuses some octets itself,
 * a malformed-request stream error RFC 9113 §8.1.1 allows).
 */
async function h2Status(authority: string, host?: string): Promise<number | 'reset'> {
  const extra: [string, string] | undefined = host === undefined ? undefined : ['host', host];
  const w = await H2Wire.open(server.ports.tls!, { first: [request(1, '/healthz', { authority, extra })] });
  try {
    assert.ok(await w.until(() => w.answered.has(1) || w.resets.has(1), 5000), 'the stream was answered or reset');
    if (w.answered.has(1)) return w.answered.get(1)!;
    assert.equal(w.resets.get(1), H2Code.PROTOCOL_ERROR);
    return 'reset';
  } finally {
    w.close();
  }
}

describe('HTTP/2 :authority', () => {
  it('a plain authority is served', async () => {
    assert.equal(await h2Status('127.0.0.1'), 200);
    assert.equal(await h2Status('localhost:7443'), 200);
    assert.equal(await h2Status('[::1]:7443'), 200);
    assert.equal(await h2Status('localhost', 'localhost'), 200);
  });

  // nghttp2 refuses some of these itself, more of them in newer releases (Node 24's resets userinfo).
  for (const bad of ['user@127.0.0.1', 'user:pass@localhost', 'a,b', 'local host', 'caf\u00e9']) {
    it(`${JSON.stringify(bad)}: 400 or the stream reset, never served`, async () => {
      assert.ok([400, 'reset'].includes(await h2Status(bad)));
    });
  }

  it('a Host that differs from :authority: 400', async () => {
    assert.equal(await h2Status('localhost', 'evil.example'), 400);
  });
});
