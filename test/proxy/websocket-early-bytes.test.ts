// Bytes that travel in the same TCP segment as a handshake head are part of the tunnel: the client's
// first frame written with its request head (node's `head` buffer; held until the origin has switched,
// since the origin reads HTTP until then), and the origin's first frame written with its 101 head (read
// by undici with the head). Raw sockets on both ends, so each arrives in one
// write; the tunnel is byte-transparent, so the "frames" need not be valid WebSocket frames. And a
// client that sends 1 MiB before the 101 (RFC 6455 §4.1 says it sends nothing): the edge holds 64 KiB
// and stops reading (src/node-http/early-bytes.ts), and every byte still reaches the origin, in order.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { TestServer } from '../support/start-server.js';
import { startEdge } from './support.js';

const handshakeHead =
  'GET /early HTTP/1.1\r\nHost: edge.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
const switched = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';

/** Everything a socket receives until `until` holds; then resolves with it as latin1. */
function readUntil(socket: Socket, until: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (c: Buffer): void => {
      text += c.toString('latin1');
      if (until(text)) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`closed after ${JSON.stringify(text)}`)));
  });
}

/** Starts `origin` on a free port and an edge proxying to it. */
async function front(origin: Server): Promise<TestServer> {
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  return startEdge(`http://127.0.0.1:${(origin.address() as { port: number }).port}`);
}

async function rawClient(edge: TestServer): Promise<Socket> {
  const client = connect(edge.ports.h1!, '127.0.0.1');
  client.on('error', () => {});
  await new Promise((r) => client.once('connect', r));
  return client;
}

async function closeBoth(edge: TestServer | undefined, origin: Server | undefined): Promise<void> {
  await edge?.close();
  origin?.close();
}

describe('bytes that arrive with a handshake head', () => {
  let origin: Server;
  let edge: TestServer;
  let originGot: Promise<string>;

  before(async () => {
    originGot = new Promise((resolve) => {
      origin = createServer((s) => {
        s.on('error', () => {});
        // The request head; then the 101 with a frame in one write; then the client's early bytes.
        void readUntil(s, (t) => t.includes('\r\n\r\n')).then(async (head) => {
          const tunnelled = readUntil(s, (t) => t.endsWith('client-early'));
          s.write(switched + 'origin-early');
          resolve(head + (await tunnelled));
        });
      });
    });
    edge = await front(origin);
  });
  after(() => closeBoth(edge, origin));

  it('relays them both ways, and the 101 head carries the switch and no framing fields', { timeout: 5000 }, async () => {
    const client = await rawClient(edge);
    const answer = readUntil(client, (t) => t.endsWith('origin-early'));
    client.write(handshakeHead + 'client-early');

    const got = await originGot;
    assert.match(got, /^GET \/early HTTP\/1\.1\r\n/);
    assert.ok(got.endsWith('\r\n\r\nclient-early'), JSON.stringify(got));

    const text = await answer;
    const [head, rest] = text.split('\r\n\r\n') as [string, string];
    assert.equal(rest, 'origin-early');
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(head, /\r\nupgrade: websocket(\r\n|$)/i);
    assert.match(head, /\r\nconnection: upgrade(\r\n|$)/i);
    assert.match(head, /\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=(\r\n|$)/i);
    assert.doesNotMatch(head, /content-length|transfer-encoding|keep-alive/i);
    client.destroy();
  });
});

describe('more bytes before the 101 than the edge holds', () => {
  const early = randomBytes(1024 * 1024);
  let origin: Server;
  let edge: TestServer;
  let originGot: Promise<Buffer>;

  before(async () => {
    originGot = new Promise((resolve, reject) => {
      origin = createServer((s) => {
        s.on('error', reject);
        // Reads the request head, answers 101 a moment later (the client has written everything by
        // then), then collects the tunnelled bytes.
        let buf = Buffer.alloc(0);
        let switchedAt = -1;
        s.on('data', (c: Buffer) => {
          buf = Buffer.concat([buf, c]);
          if (switchedAt < 0) {
            const end = buf.indexOf('\r\n\r\n');
            if (end < 0) return;
            switchedAt = end + 4;
            setTimeout(() => s.write(switched), 300);
          }
          if (buf.length - switchedAt >= early.length) resolve(buf.subarray(switchedAt));
        });
      });
    });
    edge = await front(origin);
  });
  after(() => closeBoth(edge, origin));

  it('relays all of them, in order, once the origin has switched', { timeout: 10_000 }, async () => {
    const client = await rawClient(edge);
    const answer = readUntil(client, (t) => t.includes('\r\n\r\n'));
    client.write(Buffer.concat([Buffer.from(handshakeHead, 'latin1'), early]));
    assert.match(await answer, /^HTTP\/1\.1 101 /);
    const got = await originGot;
    assert.equal(got.length, early.length, 'every byte reached the origin, and nothing more');
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(early).digest('hex'));
    client.destroy();
  });
});
