// RWS_CONFIG_COMPRESSION=off stops on-the-fly compression; precompressed siblings cost no CPU and are
// still served when accepted.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { startServer, type TestServer } from '../support/start-server.js';
import { fixtureSite } from '../conformance/site.js';

let server: TestServer;

before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite, RWS_CONFIG_TLS: 'off', RWS_CONFIG_COMPRESSION: 'off' });
});

after(async () => {
  await server?.close();
});

it('sends identity where it would have compressed, still with Vary', async () => {
  const res = await fetch(server.h1 + '/app.js', { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(res.headers.get('content-encoding'), null);
  assert.equal(res.headers.get('vary'), 'Accept-Encoding');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), await readFile(join(fixtureSite, 'app.js')));
});

it('still serves a precompressed sibling', async () => {
  // fetch would decode the body; a raw look at the headers and length is enough here.
  const res = await fetch(server.h1 + '/style.css', { headers: { 'accept-encoding': 'br' } });
  assert.equal(res.headers.get('content-encoding'), 'br');
  assert.equal(Number(res.headers.get('content-length')), (await readFile(join(fixtureSite, 'style.css.br'))).length);
  await res.arrayBuffer();
});
