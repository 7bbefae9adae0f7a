// A 64 MiB download through the reverse proxy over HTTP/3, with the server in its own process so its
// memory can be read from /proc. The origin streams the body under backpressure and counts what it
// has written; the client (curl) is stopped with SIGSTOP midway: a server that buffered the body would
// let the origin run to the end while nothing reaches the client. Then the download completes and
// its length and sha256 are compared with what the origin sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { drained, sha256, startOrigin, type Origin } from '../proxy/support.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { assertAnswersH3, curlH3, settledH3Requests, tempRoot, type TempRoot } from './support.js';

const MiB = 1024 * 1024;
const SIZE = 64 * MiB;
const CHUNK = 64 * 1024;
// What may sit between the origin and a stopped client: the QUIC windows curl grants, the proxy's
// stream buffers and both TCP socket buffers of the origin connection. Far below the 56 MiB a
// buffering server would let through.
const MAX_AHEAD = 32 * MiB;
// Resident-memory growth allowed over the idle server, measured at the peak (VmHWM). V8 collects
// the proxied 64 KiB chunks only once tens of MiB of them are garbage, so this bounds the
// steady state of a streaming server, not the body size (a 256 MiB download peaks at the same level).
const MAX_RSS_GROWTH = 96 * MiB;

let origin: Origin;
let edge: ServerProcess;
let work: TempRoot;
let written = 0;
let sentDigest = '';

/** Chunk i is the sha256 of i, repeated: every chunk differs, so one lost or misplaced changes the digest. */
function chunkAt(i: number): Buffer {
  const seed = createHash('sha256').update(String(i)).digest();
  return Buffer.alloc(CHUNK, seed);
}

before(async () => {
  origin = await startOrigin((req, res) => {
    if (req.url !== '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('warm\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': SIZE });
    const hash = createHash('sha256');
    void (async () => {
      for (let i = 0; i < SIZE / CHUNK; i++) {
        const c = chunkAt(i);
        hash.update(c);
        written += c.length;
        if (!res.write(c)) await drained(res);
        if (res.destroyed) return;
      }
      sentDigest = hash.digest('hex');
      res.end();
    })();
  });
  work = await tempRoot({});
  edge = await spawnServer({ RWS_CONFIG_UPSTREAM: origin.url, RWS_CONFIG_ROOT: work.dir, RWS_CONFIG_ACCESS_LOG: 'off' });
});
after(async () => {
  edge?.kill('SIGKILL');
  await edge?.exited;
  await origin?.close();
  await work?.remove();
});

function memoryKiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(s)![1]));
}

async function fileSize(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

test('64 MiB through the proxy: complete, byte for byte, with bounded buffering and memory', { timeout: 90_000 }, async (t) => {
  const pid = edge.child.pid!;
  const port = edge.ports.h3!;
  // Warm the proxy and HTTP/3 paths so their one-time allocations are not counted as growth.
  const warm = await curlH3(port, '/warm', ['-o', '/dev/null', '-w', '%{http_code}']);
  assert.equal(warm.stdout.toString(), '200', warm.stderr);
  const baseKiB = await memoryKiB(pid, 'VmRSS');

  const file = join(work.dir, 'download.bin');
  const download = curlH3(port, '/big', ['-o', file, '-w', '%{http_version} %{http_code} %{size_download}', '--max-time', '60'], { timeoutMs: 70_000 });
  const until = Date.now() + 30_000;
  while ((await fileSize(file)) < 8 * MiB && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  download.kill('SIGSTOP');
  // Let every buffer between origin and client fill up.
  await new Promise((r) => setTimeout(r, 1500));
  const received = await fileSize(file);
  const ahead = written - received;
  const stoppedRssKiB = await memoryKiB(pid, 'VmRSS');
  download.kill('SIGCONT');
  t.diagnostic(`client stopped at ${(received / MiB).toFixed(1)} MiB; origin had written ${(written / MiB).toFixed(1)} MiB (${(ahead / MiB).toFixed(1)} MiB ahead); server RSS ${((stoppedRssKiB - baseKiB) / 1024).toFixed(1)} MiB above idle`);
  assert.ok(received >= 8 * MiB, `the download never reached 8 MiB (${received} bytes)`);
  assert.ok(written < SIZE, 'the origin was never held back: the server buffered the whole body');
  assert.ok(ahead < MAX_AHEAD, `the origin ran ${(ahead / MiB).toFixed(1)} MiB ahead of a stopped client`);

  const r = await download;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), `3 200 ${SIZE}`);
  assert.equal(sha256(await readFile(file)), sentDigest);
  const peakGrowth = (await memoryKiB(pid, 'VmHWM')) * 1024 - baseKiB * 1024;
  t.diagnostic(`server peak RSS ${(peakGrowth / MiB).toFixed(1)} MiB above idle (${(baseKiB / 1024).toFixed(0)} MiB)`);
  assert.ok(peakGrowth < MAX_RSS_GROWTH, `server RSS peaked ${(peakGrowth / MiB).toFixed(1)} MiB above idle`);

  assert.equal(await settledH3Requests(`http://127.0.0.1:${edge.ports.h1}`), 0);
  await assertAnswersH3(port);
});
