// An origin that answers forever: a response that never ends, 1 KiB every 10 ms. 100 clients (50 over
// HTTP/1.1, 50 over HTTP/2) each read it for a second, then leave (HTTP/1.1 closes its connection,
// HTTP/2 resets the stream): the origin sees all 100 requests closed soon after, and the edge's memory
// stays bounded throughout (it streams, never buffers), while well-behaved clients are served.
// (A single client leaving is test/proxy/client-abort.test.ts; a fast endless origin and a paused
// client, test/proxy/large-response.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { Agent, request, type Dispatcher } from 'undici';
import { startOrigin, type Origin } from '../proxy/support.js';
import { eventually } from '../observability/support.js';
import { sleep, startTarget, underAttack, type Target } from './support.js';

const EACH = 50;
let origin: Origin;
const streaming = new Set<ServerResponse>();
let started = 0;
let target: Target;
before(async () => {
  origin = await startOrigin((_req, res) => {
    started++;
    streaming.add(res);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const piece = Buffer.alloc(1024, 0x62);
    const timer = setInterval(() => res.write(piece), 10);
    res.once('close', () => {
      clearInterval(timer);
      streaming.delete(res);
    });
  });
  target = await startTarget({ RWS_CONFIG_UPSTREAM: origin.url });
});
after(async () => {
  await target?.stop();
  await origin?.close();
});

/** Reads the endless response for `ms`, then aborts; returns the bytes read. */
async function readThenLeave(base: string, dispatcher: Dispatcher, ms: number): Promise<number> {
  const ac = new AbortController();
  const r = await request(`${base}/forever`, { dispatcher, signal: ac.signal });
  assert.equal(r.statusCode, 200);
  let got = 0;
  const leave = setTimeout(() => ac.abort(), ms);
  try {
    for await (const piece of r.body) got += (piece as Buffer).length;
  } catch {
    // aborted: the point
  } finally {
    clearTimeout(leave);
  }
  return got;
}

test('100 clients read an endless response, then leave: every origin request is cancelled', async () => {
  const h1 = new Agent({ connections: EACH });
  const h2 = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
  try {
    const got = await underAttack(target, `proxy: ${2 * EACH} endless responses`, async () => {
      const reads = [
        ...Array.from({ length: EACH }, () => readThenLeave(target.h1, h1, 1000)),
        ...Array.from({ length: EACH }, () => readThenLeave(target.tls, h2, 1000)),
      ];
      const bytes = await Promise.all(reads);
      await sleep(200);
      return bytes;
    });
    assert.ok(got.every((n) => n > 0), 'every client received part of the stream');
    assert.equal(started, 2 * EACH);
    // Checked while the clients' connections are still open: each cancelled request must end on its own.
    const left = await eventually(async () => streaming.size, (n) => n === 0, 3000);
    assert.equal(left, 0, `${left} origin responses still streaming after their clients left`);
  } finally {
    await Promise.all([h1.destroy(), h2.destroy()]);
  }
});
