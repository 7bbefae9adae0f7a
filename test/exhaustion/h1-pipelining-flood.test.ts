// A pipelining flood over HTTP/1.1 (plain, and over TLS): 10 000 requests for a 16 KiB range of a
// file, written back to back on one connection whose client never reads. A connection may have at most
// RWS_CONFIG_MAX_PIPELINED_REQUESTS (32) requests unanswered; the flood passes that within its first
// read and the server closes the connection, so its memory stays flat (node:http alone served all of
// them at once: +870 MiB measured with 20 000) while well-behaved clients are served. A client that
// pipelines up to the limit gets every answer, in order; one more request and it is cut off.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { blob, MiB, sleep, startTarget, tick, underAttack, type Target } from './support.js';

const LIMIT = 32;
const FLOOD = 10_000;
const RANGE = 16 * 1024;
const ONE = `GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-${RANGE - 1}\r\n\r\n`;
let target: Target;
before(async () => {
  target = await startTarget({}, { 'big.bin': blob(MiB) });
});
after(() => target?.stop());

const opens: [string, () => Promise<Socket>][] = [
  ['plain', () => connected(tcpConnect(target.ports.h1!, '127.0.0.1'), 'connect')],
  ['TLS', () => connected(tlsConnect({ port: target.ports.tls!, host: '127.0.0.1', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false }), 'secureConnect')],
];

async function connected(socket: Socket, event: string): Promise<Socket> {
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once(event, resolve));
  return socket;
}

/** Reads complete 206 responses of RANGE bytes off `socket` until it closes or `timeoutMs` passes; returns how many. */
function countResponses(socket: Socket, timeoutMs: number, enough = Infinity): Promise<number> {
  const statusLine = Buffer.from('HTTP/1.1 206 ');
  let buf: Buffer = Buffer.alloc(0);
  let answered = 0;
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer);
      resolve(answered);
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('close', finish);
    socket.on('data', (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0 || buf.length < end + 4 + RANGE) break;
        if (!buf.subarray(0, statusLine.length).equals(statusLine)) return reject(new Error(`response ${answered}: ${buf.subarray(0, 40).toString('latin1')}`));
        buf = buf.subarray(end + 4 + RANGE);
        if (++answered >= enough) finish();
      }
    });
    socket.resume();
  });
}

for (const [name, open] of opens) {
  test(`${name}: 10 000 pipelined requests from a client that does not read: connection closed, memory flat`, async () => {
    const socket = await open();
    socket.pause(); // the client reads nothing while it floods
    let written = 0;
    await underAttack(target, `h1 (${name}) ${FLOOD} pipelined requests, unread`, async () => {
      const until = Date.now() + 3000;
      while (written < FLOOD && !socket.destroyed && Date.now() < until) {
        written += 500;
        if (!socket.write(ONE.repeat(500))) await Promise.race([new Promise((r) => socket.once('drain', r)), sleep(200)]);
        await tick();
      }
      await sleep(1000);
    });
    const answered = await countResponses(socket, 5000);
    console.log(`pipelining (${name}): ${written} requests written, ${answered} answered before the server closed the connection`);
    assert.ok(socket.destroyed || socket.readableEnded, 'the server closed the flooding connection');
    assert.ok(answered <= LIMIT, `${answered} responses`);
  });

  test(`${name}: ${LIMIT} pipelined requests are all answered in order; ${LIMIT + 1} close the connection`, async () => {
    const within = await open();
    within.write(ONE.repeat(LIMIT));
    assert.equal(await countResponses(within, 10_000, LIMIT), LIMIT);
    within.write(ONE); // and the connection is still usable
    assert.equal(await countResponses(within, 10_000, 1), 1);
    within.destroy();

    const beyond = await open();
    beyond.write(ONE.repeat(LIMIT + 1));
    const answered = await countResponses(beyond, 10_000);
    assert.ok(beyond.destroyed || beyond.readableEnded, 'closed');
    assert.ok(answered < LIMIT + 1, `${answered} responses`);
  });
}
