// A 5 MiB POST over HTTP/3 through the reverse proxy: the origin (node:http) gets every byte and
// echoes them back, so the body crosses the HTTP/3 request stream, the proxy, and the HTTP/3 response.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256, startEdge, startOrigin, type Origin } from '../proxy/support.js';
import type { TestServer } from '../support/start-server.js';
import { assertAnswersH3, curlH3, settledH3Requests, tempRoot, type TempRoot } from './support.js';

const SIZE = 5 * 1024 * 1024;
let origin: Origin;
let edge: TestServer;
let work: TempRoot;
let seen: { length: number; sha: string; contentLength: string | undefined }[];

before(async () => {
  seen = [];
  origin = await startOrigin((req, res) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      hash.update(c);
      chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ length: body.length, sha: hash.digest('hex'), contentLength: req.headers['content-length'] });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    });
  });
  edge = await startEdge(origin.url);
  work = await tempRoot({});
});
after(async () => {
  await edge?.close();
  await origin?.close();
  await work?.remove();
});

test('5 MiB POST: the origin receives it whole and the echo comes back byte for byte', async () => {
  const payload = randomBytes(SIZE);
  const file = join(work.dir, 'payload.bin');
  const echoed = join(work.dir, 'echoed.bin');
  await writeFile(file, payload);
  const r = await curlH3(edge.ports.h3!, '/upload', [
    '--data-binary', `@${file}`, '-H', 'content-type: application/octet-stream', '-o', echoed, '-w', '%{http_version} %{http_code} %{size_upload} %{size_download}',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), `3 200 ${SIZE} ${SIZE}`);
  assert.deepEqual(seen, [{ length: SIZE, sha: sha256(payload), contentLength: String(SIZE) }]);
  assert.equal(sha256(await readFile(echoed)), sha256(payload));
  assert.equal(await settledH3Requests(edge.h1), 0);
  await assertAnswersH3(edge.ports.h3!);
});
