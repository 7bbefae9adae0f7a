// A 1 GiB file (sparse: no disk space used) is streamed with bounded memory and its byte count exact:
// the listener reads the file in 64 KiB chunks as the socket drains, so neither side buffers it.
import assert from 'node:assert/strict';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Client } from 'undici';
import { startServer, type TestServer } from '../support/start-server.js';

const SIZE = 1024 ** 3;
// Far below the file size: buffering even a tenth of it would show.
const MAX_RSS_GROWTH = 96 * 1024 * 1024;

let dir: string;
let server: TestServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rws-large-'));
  const fh = await open(join(dir, 'big.bin'), 'w');
  await fh.truncate(SIZE);
  await fh.close();
  server = await startServer({ RWS_CONFIG_ROOT: dir, RWS_CONFIG_TLS: 'off' });
});

after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

it('streams 1 GiB with bounded memory and an exact byte count', { timeout: 30_000 }, async () => {
  const client = new Client(server.h1);
  try {
    global.gc?.();
    const base = process.memoryUsage.rss();
    let peak = base;
    const res = await client.request({ method: 'GET', path: '/big.bin' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-length'], String(SIZE));
    let received = 0;
    let chunks = 0;
    for await (const chunk of res.body) {
      received += (chunk as Buffer).length;
      if (++chunks % 256 === 0) peak = Math.max(peak, process.memoryUsage.rss());
    }
    assert.equal(received, SIZE);
    const growth = peak - base;
    assert.ok(growth < MAX_RSS_GROWTH, `RSS grew by ${(growth / 1048576).toFixed(1)} MiB while streaming`);
  } finally {
    await client.close();
  }
});

it('serves a range deep inside the large file', async () => {
  const client = new Client(server.h1);
  try {
    const res = await client.request({ method: 'GET', path: '/big.bin', headers: { range: `bytes=${SIZE - 10}-` } });
    assert.equal(res.statusCode, 206);
    assert.equal(res.headers['content-range'], `bytes ${SIZE - 10}-${SIZE - 1}/${SIZE}`);
    assert.deepEqual(Buffer.from(await res.body.arrayBuffer()), Buffer.alloc(10));
  } finally {
    await client.close();
  }
});
