// Content coding over HTTP/3: curl --compressed (which offers deflate, gzip, br, zstd here and decodes)
// gets the file back, and raw Accept-Encoding requests get brotli or gzip bytes that decode to it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { fixtureSite } from '../conformance/site.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { fetchH3 } from './support.js';

let server: TestServer;
let appJs: Buffer;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite });
  appJs = await readFile(join(fixtureSite, 'app.js'));
});
after(() => server.close());

test('curl --compressed: a compressed coding on the wire, the file after decoding', async () => {
  const res = await fetchH3(server.ports.h3!, '/app.js', ['--compressed']);
  assert.equal(res.status, 200);
  assert.ok(['br', 'gzip'].includes(res.headers['content-encoding'] ?? ''), res.headers['content-encoding']);
  assert.deepEqual(res.body, appJs);
});

test('on-the-fly brotli and gzip decode to the file; Vary: Accept-Encoding', async () => {
  const br = await fetchH3(server.ports.h3!, '/app.js', ['-H', 'accept-encoding: br']);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.deepEqual(brotliDecompressSync(br.body), appJs);
  assert.ok(br.body.length < appJs.length);
  assert.match(br.headers.vary ?? '', /accept-encoding/i);
  const gz = await fetchH3(server.ports.h3!, '/app.js', ['-H', 'accept-encoding: gzip']);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gz.body), appJs);
});

test('precompressed siblings are sent as they are on disk', async () => {
  const br = await fetchH3(server.ports.h3!, '/style.css', ['-H', 'accept-encoding: br, gzip']);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.deepEqual(br.body, await readFile(join(fixtureSite, 'style.css.br')));
  assert.equal(br.headers['content-length'], String(br.body.length));
  const gz = await fetchH3(server.ports.h3!, '/style.css', ['-H', 'accept-encoding: gzip']);
  assert.deepEqual(gz.body, await readFile(join(fixtureSite, 'style.css.gz')));
  const identity = await fetchH3(server.ports.h3!, '/style.css');
  assert.equal(identity.headers['content-encoding'], undefined);
  assert.deepEqual(identity.body, await readFile(join(fixtureSite, 'style.css')));
});
