// Oversized request bodies, RWS_CONFIG_MAX_BODY_SIZE (1 MiB here):
// - a Content-Length above the limit: 50 clients at once announce 10 GiB and send as fast as they can;
//   each is answered 413 with Connection: close before the server reads the body, and closed (a client
//   still writing may see only the reset), so a client gets only socket buffers' worth through;
// - chunked bodies to the proxy: 20 clients at once stream 16 MiB without a length; the edge stops
//   forwarding at the limit (413, or a reset while the client is still sending) and the origin never
//   receives more than the limit of any of them. HTTP/2 uploads the same way through undici.
// Well-behaved HTTP/1.1 and HTTP/2 clients are served meanwhile and memory stays bounded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { startOrigin, type Origin } from '../proxy/support.js';
import { MiB, sleep, startTarget, tick, underAttack, type Target } from './support.js';

const LIMIT = MiB;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

interface Upload {
  received: number;
  ended: boolean;
}

let origin: Origin;
let uploads: Upload[] = [];
let target: Target;
before(async () => {
  origin = await startOrigin((req, res) => {
    const u: Upload = { received: 0, ended: false };
    uploads.push(u);
    req.on('data', (c: Buffer) => (u.received += c.length));
    req.on('end', () => {
      u.ended = true;
      res.end(String(u.received));
    });
  });
  target = await startTarget({ RWS_CONFIG_MAX_BODY_SIZE: String(LIMIT), RWS_CONFIG_UPSTREAM: origin.url });
});
after(async () => {
  await target?.stop();
  await origin?.close();
});

/** Writes `head`, then body chunks until the server answers or closes, or `max` bytes are sent. */
async function upload(head: string, max: number, chunked: boolean): Promise<{ answer: string; sent: number }> {
  const socket: Socket = connect(target.ports.h1!, '127.0.0.1');
  let answer = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (answer += d));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', resolve));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(head);
  let sent = 0;
  const piece = chunked ? Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]) : CHUNK;
  while (sent < max && answer === '' && !socket.destroyed) {
    sent += CHUNK.length;
    if (!socket.write(piece)) await Promise.race([new Promise((r) => socket.once('drain', r)), closed, sleep(1000)]);
    await tick();
  }
  await Promise.race([closed, sleep(3000)]);
  socket.destroy();
  return { answer, sent };
}

describe('Content-Length above the limit', () => {
  test('50 clients announcing 10 GiB: 413 before the body is read, connection closed', async () => {
    const head = `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${10 * 1024 * MiB}\r\n\r\n`;
    const results = await underAttack(target, 'h1 50 x 10 GiB Content-Length', () => Promise.all(Array.from({ length: 50 }, () => upload(head, 64 * MiB, false))), { minRounds: 1 });
    // The server closes after its 413 while the client is still writing: the client's kernel may take
    // the server's reset before the 413 is read. So: 413 with Connection: close, or nothing.
    const answered = results.filter((r) => r.answer !== '');
    assert.ok(answered.length > 0, 'the 413s were seen');
    assert.deepEqual([...new Set(answered.map((r) => r.answer.slice(0, 13)))], ['HTTP/1.1 413 '], 'no answer but 413');
    assert.ok(answered.every((r) => /\r\nconnection: close\r\n/i.test(r.answer)), 'with Connection: close');
    const most = Math.max(...results.map((r) => r.sent));
    console.log(`Content-Length 10 GiB: ${answered.length} of 50 read their 413; at most ${(most / MiB).toFixed(1)} MiB written before the close`);
    assert.ok(most < 64 * MiB, 'the server closed the connections');
    assert.equal(uploads.length, 0, 'nothing reached the origin');
  });
});

describe('chunked bodies past the limit, proxied', () => {
  test('20 HTTP/1.1 clients streaming 16 MiB: stopped at the limit, the origin never gets more', async () => {
    uploads = [];
    const head = 'POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n';
    const results = await underAttack(target, 'h1 20 x 16 MiB chunked uploads', () => Promise.all(Array.from({ length: 20 }, () => upload(head, 16 * MiB, true))), { minRounds: 1 });
    const statuses = new Set(results.map((r) => r.answer.slice(0, 13)));
    for (const s of statuses) assert.ok(s === 'HTTP/1.1 413 ' || s === '', `answered ${JSON.stringify(s)}`);
    console.log(`chunked h1: ${uploads.length} uploads reached the origin, the largest with ${Math.max(0, ...uploads.map((u) => u.received))} bytes`);
    assert.ok(uploads.length > 0, 'the uploads were being forwarded');
    assert.ok(uploads.every((u) => !u.ended && u.received <= LIMIT), `origin got ${uploads.map((u) => u.received).join(', ')}`);
  });

  test('10 HTTP/2 clients streaming 16 MiB: stopped at the limit, the origin never gets more', async () => {
    uploads = [];
    const h2 = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
    const one = async (): Promise<number | undefined> => {
      try {
        const r = await request(`${target.tls}/upload`, { method: 'POST', body: Readable.from(pieces(16 * MiB)), dispatcher: h2 });
        await r.body.dump();
        return r.statusCode;
      } catch {
        return undefined; // reset while still sending: also a refusal
      }
    };
    try {
      const statuses = await underAttack(target, 'h2 10 x 16 MiB uploads', () => Promise.all(Array.from({ length: 10 }, one)), { minRounds: 1 });
      for (const s of statuses) assert.ok(s === 413 || s === undefined, `answered ${s}`);
    } finally {
      await h2.destroy();
    }
    console.log(`h2: ${uploads.length} uploads reached the origin, the largest with ${Math.max(0, ...uploads.map((u) => u.received))} bytes`);
    assert.ok(uploads.length > 0, 'the uploads were being forwarded');
    assert.ok(uploads.every((u) => !u.ended && u.received <= LIMIT), `origin got ${uploads.map((u) => u.received).join(', ')}`);
  });
});

function* pieces(total: number): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += CHUNK.length) yield CHUNK;
}
