// Without a 404.html in the root the 404 is a short text; with one, that page (status still 404).
// Dotfiles and directories without an index answer the same 404.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { startServer, type TestServer } from '../support/start-server.js';

let dir: string;
let server: TestServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rws-no404-'));
  await writeFile(join(dir, 'index.html'), '<p>home</p>\n');
  await writeFile(join(dir, '.secret'), 'hidden\n');
  await mkdir(join(dir, 'empty'));
  server = await startServer({ RWS_CONFIG_ROOT: dir, RWS_CONFIG_TLS: 'off' });
});

after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

it('answers 404 with a short text when the root has no 404.html', async () => {
  for (const path of ['/missing', '/.secret', '/empty/', '/empty']) {
    const res = await fetch(server.h1 + path);
    assert.equal(res.status, 404, path);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await res.text(), 'not found\n');
  }
});

it('picks up a 404.html added later (after the metadata memo expires)', async () => {
  await writeFile(join(dir, '404.html'), '<p>custom</p>\n');
  await new Promise((r) => setTimeout(r, 1100));
  const res = await fetch(server.h1 + '/missing');
  assert.equal(res.status, 404);
  assert.equal(await res.text(), '<p>custom</p>\n');
});
