// The metadata memo keeps results for 1 s: a changed, added or removed file is served as it is on disk
// once that second has passed, with a new ETag, and never with a stale Content-Length.
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { startServer, type TestServer } from '../support/start-server.js';

const TTL_MS = 1000;
let dir: string;
let server: TestServer;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rws-changes-'));
  server = await startServer({ RWS_CONFIG_ROOT: dir, RWS_CONFIG_TLS: 'off' });
});

after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

it('serves a file added, changed and removed after start, within the memo lifetime', async () => {
  const url = server.h1 + '/f.txt';
  assert.equal((await fetch(url)).status, 404);
  await writeFile(join(dir, 'f.txt'), 'one\n');
  await wait(TTL_MS + 100);
  const first = await fetch(url);
  assert.equal(await first.text(), 'one\n');
  await writeFile(join(dir, 'f.txt'), 'second version\n');
  await utimes(join(dir, 'f.txt'), new Date(), new Date(Date.now() + 5000));
  await wait(TTL_MS + 100);
  const second = await fetch(url);
  assert.equal(await second.text(), 'second version\n');
  assert.notEqual(second.headers.get('etag'), first.headers.get('etag'));
  await unlink(join(dir, 'f.txt'));
  await wait(TTL_MS + 100);
  assert.equal((await fetch(url)).status, 404);
});
