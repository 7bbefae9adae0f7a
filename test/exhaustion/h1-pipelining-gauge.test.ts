// Pipelined HTTP/1.1 requests whose connection closes before they are answered (plain, and over TLS):
// the pipelining gate closing it (33 and 100 requests written at once; the limit is 32), or the client
// leaving. Each request the server started ends exactly once: http_active_requests comes back to where
// it was, http_requests_total grows by exactly the requests started, each counted as client_aborted (none
// was answered), the file streams opened for them are closed, the server keeps answering, and SIGTERM
// afterwards exits 0 at once instead of waiting its drain timeout for requests that will never end.
// (Node 20 does not close the responses it has queued behind the one it is writing when their connection
// closes; src/node-http/connection-tracker.ts closes them.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { eventually } from '../observability/support.js';
import { blob, HELLO, MiB, sleep, startTarget, type Target } from './support.js';

const LIMIT = 32;
const CONNECTIONS = 4;
/** The drain timeout: a SIGTERM that has to wait for it exits 3, long after EXIT_BOUND_MS. */
const DRAIN_TIMEOUT_MS = 25_000;
const EXIT_BOUND_MS = 3000;
/** A file larger than a response's buffer: each response holds an open file stream until it is written. */
const GET = 'GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
/** Larger than the socket buffers can take (4 MiB of send buffer here): its response cannot be written in full to a client that does not read. */
const GET_HUGE = 'GET /huge.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

let target: Target;
let fdsAtRest: number;
before(async () => {
  target = await startTarget({ RWS_CONFIG_DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS) }, { 'big.bin': blob(MiB), 'huge.bin': blob(16 * MiB) });
  fdsAtRest = fds();
});
after(() => target?.stop());

const fds = (): number => readdirSync(`/proc/${target.pid}/fd`).length;

const listeners: [string, () => Promise<Socket>][] = [
  ['plain', () => connected(tcpConnect(target.ports.h1!, '127.0.0.1'), 'connect')],
  ['TLS', () => connected(tlsConnect({ port: target.ports.tls!, host: '127.0.0.1', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false }), 'secureConnect')],
];

async function connected(socket: Socket, event: string): Promise<Socket> {
  socket.on('error', () => {});
  await new Promise((resolve, reject) => {
    socket.once(event, resolve);
    socket.once('close', () => reject(new Error('closed before it connected')));
  });
  return socket;
}

/** Resolves with whether `socket` closed within `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.closed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => (clearTimeout(timer), resolve(true)));
  });
}

interface Counts {
  active: number;
  started: number;
  aborted: number;
}

/** The h1 counters, less the scrape itself (it is in flight, on h1, while it is answered). */
async function counts(): Promise<Counts> {
  return {
    active: (await target.metric('http_active_requests', { protocol: 'h1' })) - 1,
    started: await target.metric('http_requests_total', { protocol: 'h1', route: 'static' }),
    aborted: await target.metric('http_request_errors_total', { protocol: 'h1', reason: 'client_aborted' }),
  };
}

const cuts = (): Promise<number> => target.metric('rws_connections_cut_total', { protocol: 'h1', reason: 'pipeline_limit' });

/** GET /hello.txt on a new connection; the status line and body. */
async function hello(open: () => Promise<Socket>): Promise<string> {
  const socket = await open();
  socket.setEncoding('latin1');
  let text = '';
  socket.on('data', (d: string) => (text += d));
  socket.write('GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  assert.ok(await closedWithin(socket, 5000), 'answered and closed');
  return text.slice(0, text.indexOf('\r\n')) + ' ' + text.slice(text.indexOf('\r\n\r\n') + 4);
}

/** After the connections closed: every started request ended, once, as aborted; nothing is left open. */
async function assertAllEnded(before: Counts, expected: number): Promise<void> {
  const now = await eventually(counts, (c) => c.active === before.active, 5000);
  assert.equal(now.active, before.active, 'http_active_requests is back where it was');
  assert.equal(now.started - before.started, expected, 'each request started ended once');
  assert.equal(now.aborted - before.aborted, expected, 'each was counted as aborted: none was answered');
  const open = await eventually(async () => fds(), (n) => n <= fdsAtRest + 8, 3000);
  assert.ok(open <= fdsAtRest + 8, `${open} file descriptors open, ${fdsAtRest} at rest`);
}

for (const [name, open] of listeners) {
  for (const pipelined of [LIMIT + 1, 100]) {
    test(`${name}: ${CONNECTIONS} connections of ${pipelined} pipelined requests, closed by the gate: all ${LIMIT} started on each end`, async () => {
      const before = await counts();
      const cutBefore = await cuts();
      const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, open));
      for (const socket of sockets) {
        socket.pause(); // nothing is read: every response stays queued
        socket.write(GET.repeat(pipelined));
      }
      const closed = await Promise.all(sockets.map((s) => closedWithin(s, 5000)));
      for (const s of sockets) s.destroy();
      assert.deepEqual(closed, sockets.map(() => true), 'the server closed every connection');
      await assertAllEnded(before, CONNECTIONS * LIMIT);
      // Once per connection, however many requests beyond the limit its read held.
      assert.equal((await cuts()) - cutBefore, CONNECTIONS, 'rws_connections_cut_total{reason="pipeline_limit"}');
      assert.equal(await hello(open), `HTTP/1.1 200 OK ${HELLO}`);
    });
  }

  test(`${name}: ${CONNECTIONS} clients leave with 10 pipelined requests unanswered: all 10 end`, async () => {
    const before = await counts();
    const cutBefore = await cuts();
    const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, open));
    await Promise.all(
      sockets.map(async (socket) => {
        socket.pause();
        socket.write(GET_HUGE.repeat(10));
        // The first response is being written (its first bytes are here), the other nine queued behind it.
        await new Promise((resolve) => socket.once('readable', resolve));
        socket.destroy();
      }),
    );
    await assertAllEnded(before, CONNECTIONS * 10);
    assert.equal((await cuts()) - cutBefore, 0, 'clients that leave are not cut by the edge');
    assert.equal(await hello(open), `HTTP/1.1 200 OK ${HELLO}`);
  });
}

test(`then SIGTERM: the drain has nothing to wait for, exit 0 within ${EXIT_BOUND_MS} ms (the drain timeout is ${DRAIN_TIMEOUT_MS} ms)`, async () => {
  const sentAt = Date.now();
  target.proc.kill('SIGTERM');
  const exit = await Promise.race([target.proc.exited, sleep(EXIT_BOUND_MS).then(() => undefined)]);
  const ms = Date.now() - sentAt;
  if (exit === undefined) target.proc.kill('SIGKILL');
  assert.deepEqual(exit, { code: 0, signal: null }, `exit after ${ms} ms`);
  const drained = await target.proc.waitForLog((e) => e.msg === 'drain finished', 1000);
  assert.equal(drained.requests_cut, 0);
});
