// RWS_CONFIG_HTTPS_REDIRECT=on: the plain listener answers 308 with the same URL over https, on the
// port Alt-Svc advertises; curl follows it to the TLS listener, a POST body included (308 keeps the
// method, RFC 9110 §15.4.9). Probes, metrics and ACME HTTP-01 challenges stay on plain HTTP, and TLS
// requests are never redirected. Off (the default), the plain listener serves as before.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { runClient, tempRoot, type TempRoot } from '../h3/support.js';
import { clients } from '../support/clients.js';
import { startServer, type TestServer } from '../support/start-server.js';

const HELLO = 'hello over https\n';
const TOKEN = 'token-for-the-ca\n';
const root: TempRoot = await tempRoot({ 'hello.txt': HELLO });
await mkdir(join(root.dir, '.well-known', 'acme-challenge'), { recursive: true });
await writeFile(join(root.dir, '.well-known', 'acme-challenge', 'abc'), TOKEN);
after(() => root.remove());

/** curl's status, final URL and body, following redirects. */
async function curl(url: string, ...args: string[]): Promise<{ status: string; url: string; body: string }> {
  const r = await runClient(clients().curl, ['-sSk', '--max-time', '10', '-L', '-w', '\n%{http_code} %{url_effective}', ...args, url]);
  const out = r.stdout.toString();
  const cut = out.lastIndexOf('\n');
  const [status, effective] = out.slice(cut + 1).split(' ');
  return { status: status!, url: effective!, body: out.slice(0, cut) };
}

describe('HTTPS redirect on', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ RWS_CONFIG_ROOT: root.dir, RWS_CONFIG_HTTPS_REDIRECT: 'on' });
  });
  after(() => server?.close());

  it('GET: 308 to the same path and query over https on the TLS port', async () => {
    const r = await request(`${server.h1}/hello.txt?a=1`, { headers: { host: 'example.test:8080' } });
    await r.body.text();
    assert.equal(r.statusCode, 308);
    assert.equal(r.headers.location, `https://example.test:${server.ports.tls}/hello.txt?a=1`);
    assert.equal(r.headers['strict-transport-security'], undefined, 'HSTS is for https responses only');
  });

  it('curl follows it to the TLS listener and gets the file', async () => {
    const r = await curl(`${server.h1}/hello.txt`);
    assert.deepEqual(r, { status: '200', url: `${server.tls}/hello.txt`, body: HELLO });
  });

  it('HEAD: 308 without a body', async () => {
    const r = await request(`${server.h1}/hello.txt`, { method: 'HEAD' });
    assert.equal(r.statusCode, 308);
    assert.equal(await r.body.text(), '');
  });

  it('POST: curl repeats the POST with its body over https (308 keeps the method)', async () => {
    // No origin: the TLS listener answers a POST to a file with 405, which shows the method arrived.
    const r = await curl(`${server.h1}/hello.txt`, '--data', 'x=1', '-o', '/dev/null');
    assert.equal(r.status, '405');
    assert.equal(r.url, `${server.tls}/hello.txt`);
  });

  it('an IPv6 literal keeps its brackets', async () => {
    const r = await request(`${server.h1}/`, { headers: { host: '[::1]:7878' } });
    await r.body.text();
    assert.equal(r.headers.location, `https://[::1]:${server.ports.tls}/`);
  });

  for (const path of ['/healthz', '/readyz', '/metrics']) {
    it(`${path} stays on plain HTTP (probes and scrapers)`, async () => {
      const r = await request(`${server.h1}${path}`);
      await r.body.text();
      assert.equal(r.statusCode, 200);
    });
  }

  it('an ACME HTTP-01 challenge is served over plain HTTP', async () => {
    const r = await request(`${server.h1}/.well-known/acme-challenge/abc`);
    assert.equal(r.statusCode, 200);
    assert.equal(await r.body.text(), TOKEN);
  });

  it('requests over TLS are served, not redirected', async () => {
    const r = await curl(`${server.tls}/hello.txt`, '--http2');
    assert.deepEqual(r, { status: '200', url: `${server.tls}/hello.txt`, body: HELLO });
  });
});

describe('HTTPS redirect with RWS_CONFIG_ALT_SVC_PORT=443', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ RWS_CONFIG_ROOT: root.dir, RWS_CONFIG_HTTPS_REDIRECT: 'on', RWS_CONFIG_ALT_SVC_PORT: '443' });
  });
  after(() => server?.close());

  it('the URL names no port: the public TLS port is the default', async () => {
    const r = await request(`${server.h1}/a/b?c`, { headers: { host: 'www.example.test' } });
    await r.body.text();
    assert.equal(r.headers.location, 'https://www.example.test/a/b?c');
  });
});

describe('HTTPS redirect off (the default)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ RWS_CONFIG_ROOT: root.dir });
  });
  after(() => server?.close());

  it('the plain listener serves the file', async () => {
    const r = await request(`${server.h1}/hello.txt`);
    assert.equal(r.statusCode, 200);
    assert.equal(await r.body.text(), HELLO);
  });
});
