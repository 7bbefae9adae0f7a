// A 64 MiB response the origin generates chunk by chunk streams through the edge intact, with
// backpressure: while the client stops reading, the origin is held back too, and the edge's memory
// stays far below the size of the response. The edge runs as its own process so its RSS can be read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { drained, startOrigin, type Origin } from './support.js';

const total = 64 * 1024 * 1024;
const chunk = 64 * 1024;
const MiB = 1024 * 1024;
const warmUp = 16 * MiB;

interface Sent {
  bytes: number;
  hash: string | undefined;
}

describe('a 64 MiB streamed response', () => {
  let origin: Origin;
  let edge: ServerProcess;
  let sent: Sent = { bytes: 0, hash: undefined };
  const h1 = new Agent();
  const h2 = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });

  before(async () => {
    origin = await startOrigin((req, res) => void generate(res, req.url === '/warm' ? warmUp : total));
    const root = mkdtempSync(join(tmpdir(), 'rws-proxy-'));
    edge = await spawnServer({ RWS_CONFIG_UPSTREAM: origin.url, RWS_CONFIG_ROOT: root });
    // One-off costs land on the first large transfer (undici's WebAssembly parser compiled and tiered up,
    // heap and allocator arenas grown: up to ~40 MiB measured): pay them before the baseline is taken.
    await (await request(`http://127.0.0.1:${edge.ports.h1}/warm`, { dispatcher: h1 })).body.dump({ limit: warmUp });
  });
  after(async () => {
    await Promise.all([h1.destroy(), h2.destroy()]);
    if (edge !== undefined) {
      edge.kill('SIGKILL');
      await edge.exited;
    }
    await origin?.close();
  });

  // Fresh random chunks, written only when the socket asks for more: the origin never holds the body.
  async function generate(res: ServerResponse, size: number): Promise<void> {
    sent = { bytes: 0, hash: undefined };
    const h = createHash('sha256');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    while (sent.bytes < size && !res.destroyed) {
      const data = randomBytes(chunk);
      h.update(data);
      sent.bytes += data.length;
      if (!res.write(data)) await drained(res);
    }
    sent.hash = h.digest('hex');
    res.end();
  }

  for (const [name, base, dispatcher] of [
    ['h1', () => `http://127.0.0.1:${edge.ports.h1}`, h1],
    ['h2', () => `https://127.0.0.1:${edge.ports.tls}`, h2],
  ] as const) {
    it(`${name}: arrives intact; the origin waits while the client pauses; edge RSS stays bounded`, async () => {
      const pid = edge.child.pid!;
      const before = rssOf(pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 25);
      try {
        const r = await request(`${base()}/big`, { dispatcher });
        assert.equal(r.statusCode, 200);
        const h = createHash('sha256');
        let got = 0;
        let sentDuringPause = -1;
        let pauseGrowth = 0;
        for await (const piece of r.body) {
          h.update(piece as Buffer);
          got += (piece as Buffer).length;
          if (sentDuringPause === -1 && got >= MiB) {
            // Stop reading for a second: without backpressure the edge would drain the whole origin.
            await new Promise((resolve) => setTimeout(resolve, 1000));
            sentDuringPause = sent.bytes;
            pauseGrowth = rssOf(pid) - before;
          }
        }
        assert.equal(got, total);
        assert.equal(h.digest('hex'), sent.hash);
        const growth = peak - before;
        console.log(
          `${name}: edge RSS ${mb(before)} MiB before, ${signed(pauseGrowth)} MiB at the end of the pause, ` +
            `peak ${signed(growth)} MiB; the origin had sent ${mb(sentDuringPause)} MiB when the pause ended`,
        );
        // Generous bounds: loopback socket buffers hold a few MiB, and garbage chunks wait for the GC
        // (most of the peak); an edge that buffered the body would hold the whole 64 MiB at the pause.
        assert.ok(sentDuringPause < 24 * MiB, `origin sent ${mb(sentDuringPause)} MiB while the client was not reading`);
        assert.ok(pauseGrowth < 24 * MiB, `edge RSS grew by ${mb(pauseGrowth)} MiB while the client was not reading`);
        assert.ok(growth < 80 * MiB, `edge RSS grew by ${mb(growth)} MiB`);
      } finally {
        clearInterval(sampler);
      }
    });
  }
});

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

function mb(n: number): string {
  return (n / MiB).toFixed(1);
}

function signed(n: number): string {
  return (n >= 0 ? '+' : '') + mb(n);
}
