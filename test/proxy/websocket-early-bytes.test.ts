// Bytes that travel in the same TCP segment as a handshake head are part of the tunnel: the client's
// first frame written with its request head (node's `head` buffer; held until the origin has switched,
// since the origin reads HTTP until then), and the origin's first frame written with its 101 head (read
// by undici with the head). Raw sockets on both ends, so each arrives in one
// write; the tunnel is byte-transparent, so the "frames" need not be valid WebSocket frames.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    edge = await startEdge(`http://127.0.0.1:${(origin.address() as { port: number }).port}`);
  });
  after(async () => {
    await edge.close();
    origin.close();
  });

  it('relays them both ways, and the 101 head carries the switch and no framing fields', { timeout: 5000 }, async () => {
    const client = connect(edge.ports.h1!, '127.0.0.1');
    client.on('error', () => {});
    await new Promise((r) => client.once('connect', r));
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
