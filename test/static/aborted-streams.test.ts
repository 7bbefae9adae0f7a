// A client that leaves mid-body must not leave file descriptors behind: the compressor, the multipart
// generator and the plain file stream all close their file when the listener destroys the body.
import assert from 'node:assert/strict';
import { readdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { startServer, type TestServer } from '../support/start-server.js';

let dir: string;
let server: TestServer;

// Open descriptors of this process, the server's included (it runs in-process).
async function openFds(): Promise<number> {
  return (await readdir('/proc/self/fd')).length;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rws-abort-'));
  // 6 MiB of text: compressible, below the on-the-fly cap, far larger than any socket buffer.
  const line = 'the quick brown fox jumps over the lazy dog, again and again and again\n';
  await writeFile(join(dir, 'big.txt'), line.repeat(Math.ceil((6 * 1024 * 1024) / line.length)));
  server = await startServer({ RWS_CONFIG_ROOT: dir, RWS_CONFIG_TLS: 'off' });
});

after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const variants: [string, Record<string, string>][] = [
  ['plain file', {}],
  ['on-the-fly gzip', { 'accept-encoding': 'gzip' }],
  ['multipart ranges', { range: 'bytes=0-10,3000000-6000000' }],
];

for (const [name, headers] of variants) {
  it(`${name}: descriptors are released when the client leaves mid-body`, async () => {
    const before = await openFds();
    const client = new Client(server.h1);
    const res = await client.request({ method: 'GET', path: '/big.txt', headers });
    assert.ok(res.statusCode === 200 || res.statusCode === 206);
    const it = res.body[Symbol.asyncIterator]();
    await it.next(); // the body has started flowing
    res.body.destroy();
    await client.destroy();
    let now = await openFds();
    for (let i = 0; i < 50 && now > before; i++) {
      await sleep(20);
      now = await openFds();
    }
    assert.ok(now <= before, `${now - before} descriptors still open`);
  });
}
