// Conditional and range requests over HTTP/3 with curl: 304 on a matching validator, 206 with the
// requested bytes (single and multipart ranges), 416 past the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureSite } from '../conformance/site.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { fetchH3 } from './support.js';

let server: TestServer;
let digits: Buffer;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite });
  digits = await readFile(join(fixtureSite, 'digits.txt'));
});
after(() => server.close());

test('304 Not Modified on If-None-Match and If-Modified-Since, without a body', async () => {
  const port = server.ports.h3!;
  const first = await fetchH3(port, '/hello.txt');
  const etag = first.headers.etag!;
  const byTag = await fetchH3(port, '/hello.txt', ['-H', `if-none-match: ${etag}`]);
  assert.equal(byTag.status, 304);
  assert.equal(byTag.body.length, 0);
  assert.equal(byTag.headers.etag, etag);
  const byDate = await fetchH3(port, '/hello.txt', ['-H', `if-modified-since: ${first.headers['last-modified']}`]);
  assert.equal(byDate.status, 304);
  assert.equal((await fetchH3(port, '/hello.txt', ['-H', 'if-none-match: "other"'])).status, 200);
});

test('206 Partial Content: one range, a suffix range, and If-Range', async () => {
  const port = server.ports.h3!;
  const one = await fetchH3(port, '/digits.txt', ['-H', 'range: bytes=10-19']);
  assert.equal(one.status, 206);
  assert.deepEqual(one.body, digits.subarray(10, 20));
  assert.equal(one.headers['content-range'], `bytes 10-19/${digits.length}`);
  assert.equal(one.headers['content-length'], '10');
  const suffix = await fetchH3(port, '/digits.txt', ['-H', 'range: bytes=-5']);
  assert.equal(suffix.status, 206);
  assert.deepEqual(suffix.body, digits.subarray(digits.length - 5));
  const stale = await fetchH3(port, '/digits.txt', ['-H', 'range: bytes=0-0', '-H', 'if-range: "stale"']);
  assert.equal(stale.status, 200);
  assert.deepEqual(stale.body, digits);
});

test('206 multipart/byteranges for two ranges; 416 past the end', async () => {
  const port = server.ports.h3!;
  const multi = await fetchH3(port, '/digits.txt', ['-H', 'range: bytes=0-1,50-51']);
  assert.equal(multi.status, 206);
  const boundary = /^multipart\/byteranges; boundary=(.+)$/.exec(multi.headers['content-type'] ?? '')?.[1];
  assert.ok(boundary, multi.headers['content-type']);
  const text = multi.body.toString('latin1');
  assert.match(text, new RegExp(`content-range: bytes 0-1/${digits.length}\r\n\r\n01\r\n`, 'i'));
  assert.match(text, new RegExp(`content-range: bytes 50-51/${digits.length}\r\n\r\n01\r\n`, 'i'));
  assert.ok(text.trimEnd().endsWith(`--${boundary}--`), text);
  assert.equal(multi.headers['content-length'], String(multi.body.length));
  const past = await fetchH3(port, '/digits.txt', ['-H', `range: bytes=${digits.length + 10}-`]);
  assert.equal(past.status, 416);
  assert.equal(past.headers['content-range'], `bytes */${digits.length}`);
});
