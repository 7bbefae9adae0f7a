// GET, HEAD and 404 over HTTP/3 with curl (ngtcp2 + nghttp3): the body byte for byte, the same
// representation headers on GET and HEAD, no body on HEAD, the 404 page on a missing file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureSite } from '../conformance/site.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { fetchH3 } from './support.js';

let server: TestServer;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite });
});
after(() => server.close());

test('GET a file over HTTP/3: 200, its bytes, type, length and validators', async () => {
  const res = await fetchH3(server.ports.h3!, '/hello.txt');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, await readFile(join(fixtureSite, 'hello.txt')));
  assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(res.headers['content-length'], String(res.body.length));
  assert.match(res.headers.etag ?? '', /^"[0-9a-f]+-[0-9a-f]+"$/);
  assert.ok(res.headers['last-modified']);
  assert.equal(res.headers['alt-svc'], undefined, 'no Alt-Svc on an HTTP/3 response');
  assert.equal(res.headers['strict-transport-security'], 'max-age=63072000; includeSubDomains');
});

test('GET / serves index.html', async () => {
  const res = await fetchH3(server.ports.h3!, '/');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, await readFile(join(fixtureSite, 'index.html')));
});

test('HEAD: the GET headers and no body', async () => {
  const get = await fetchH3(server.ports.h3!, '/app.js');
  const head = await fetchH3(server.ports.h3!, '/app.js', ['-I']);
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'accept-ranges', 'cache-control']) {
    assert.equal(head.headers[name], get.headers[name], name);
  }
  assert.equal(Number(head.headers['content-length']), (await readFile(join(fixtureSite, 'app.js'))).length);
});

test('a missing file: 404 with the 404.html page; HEAD 404 without a body', async () => {
  const res = await fetchH3(server.ports.h3!, '/no/such/file.txt');
  assert.equal(res.status, 404);
  assert.deepEqual(res.body, await readFile(join(fixtureSite, '404.html')));
  const head = await fetchH3(server.ports.h3!, '/no/such/file.txt', ['-I']);
  assert.equal(head.status, 404);
  assert.equal(head.body.length, 0);
});
