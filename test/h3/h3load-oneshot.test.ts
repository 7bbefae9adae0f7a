// h3load (quic-go's http3 client) one-shot: `-v` prints the status line, the headers and the body of
// one request as the server sent them; exit 0 below 400, 22 from 400 on. -H adds request headers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { fixtureSite } from '../conformance/site.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { h3load, h3Url } from './support.js';

let server: TestServer;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite });
});
after(() => server.close());

/** Status line, header lines and body of `h3load -v` output. */
function parse(stdout: Buffer): { status: string; head: string; body: Buffer } {
  const split = stdout.indexOf('\n\n');
  const head = stdout.subarray(0, split).toString();
  return { status: head.split('\n')[0]!, head, body: stdout.subarray(split + 2) };
}

test('h3load -v GET /hello.txt: HTTP/3.0 200, the headers, the body', async () => {
  const r = await h3load(['-v', '-url', h3Url(server.ports.h3!, '/hello.txt')]);
  assert.equal(r.code, 0, r.stderr);
  const res = parse(r.stdout);
  assert.equal(res.status, 'HTTP/3.0 200 OK');
  assert.match(res.head, /^Content-Type: text\/plain; charset=utf-8$/m);
  assert.match(res.head, /^Etag: "[0-9a-f]+-[0-9a-f]+"$/m);
  assert.deepEqual(res.body, await readFile(join(fixtureSite, 'hello.txt')));
});

test('h3load -v -H: a request header reaches the server (Accept-Encoding: br, raw brotli back)', async () => {
  const r = await h3load(['-v', '-H', 'accept-encoding: br', '-url', h3Url(server.ports.h3!, '/app.js')]);
  assert.equal(r.code, 0, r.stderr);
  const res = parse(r.stdout);
  assert.match(res.head, /^Content-Encoding: br$/m);
  assert.deepEqual(brotliDecompressSync(res.body), await readFile(join(fixtureSite, 'app.js')));
});

test('h3load -v on a missing file: 404 and exit 22', async () => {
  const r = await h3load(['-v', '-url', h3Url(server.ports.h3!, '/missing.txt')]);
  assert.equal(r.code, 22, r.stderr);
  assert.equal(parse(r.stdout).status, 'HTTP/3.0 404 Not Found');
});
