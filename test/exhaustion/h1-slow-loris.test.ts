// Slow-loris over HTTP/1.1: 200 connections each sending its request headers one byte a second. Every
// one is answered 408 and closed once RWS_CONFIG_HEADERS_TIMEOUT_MS (2 s here) has passed (node checks
// every second), and well-behaved HTTP/1.1 and HTTP/2 clients are served meanwhile. The same over
// HTTP/1.1-over-TLS, which shares the limit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startTarget, underAttack, type Target } from './support.js';

const SOCKETS = 200;
const HEADERS_TIMEOUT_MS = 2000;
const REQUEST = `GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ${'slow'.repeat(20)}\r\n\r\n`;

let target: Target;
before(async () => {
  target = await startTarget({ RWS_CONFIG_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) });
});
after(() => target?.stop());

interface Loris {
  socket: Socket;
  answer: string;
  /** ms after the start when the server closed it; -1 while open. */
  closedAt: number;
}

async function slowLoris(open: () => Socket): Promise<{ lorises: Loris[]; ms: number }> {
  const started = Date.now();
  const lorises: Loris[] = [];
  for (let i = 0; i < SOCKETS; i++) {
    const l: Loris = { socket: open(), answer: '', closedAt: -1 };
    l.socket.setEncoding('utf8');
    l.socket.on('data', (d: string) => (l.answer += d));
    l.socket.on('error', () => {});
    l.socket.on('close', () => (l.closedAt = Date.now() - started));
    lorises.push(l);
  }
  let next = 0;
  const trickle = setInterval(() => {
    for (const l of lorises) if (l.closedAt < 0 && l.socket.writable) l.socket.write(REQUEST[next % REQUEST.length]!);
    next++;
  }, 1000);
  const limit = started + HEADERS_TIMEOUT_MS + 6000;
  while (lorises.some((l) => l.closedAt < 0) && Date.now() < limit) await new Promise((r) => setTimeout(r, 50));
  clearInterval(trickle);
  for (const l of lorises) l.socket.destroy();
  return { lorises, ms: Date.now() - started };
}

function check(lorises: Loris[]): void {
  const open = lorises.filter((l) => l.closedAt < 0).length;
  assert.equal(open, 0, `${open} slow connections still open`);
  const latest = Math.max(...lorises.map((l) => l.closedAt));
  console.log(`slow-loris: ${lorises.length} connections, the last closed after ${latest} ms`);
  assert.ok(latest >= HEADERS_TIMEOUT_MS - 100, `closed after ${latest} ms, before the headers timeout`);
  const not408 = lorises.filter((l) => !l.answer.startsWith('HTTP/1.1 408 ')).map((l) => l.answer.slice(0, 30));
  assert.deepEqual(not408, [], 'every slow connection was answered 408');
}

const timeouts = (): Promise<number> => target.metric('rws_connections_cut_total', { protocol: 'h1', reason: 'request_timeout' });

test('200 plain connections sending headers a byte a second: all 408 at the headers timeout', async () => {
  const before = await timeouts();
  const result = await underAttack(target, 'h1 slow-loris x200', () => slowLoris(() => tcpConnect(target.ports.h1!, '127.0.0.1')));
  check(result.lorises);
  assert.equal((await timeouts()) - before, result.lorises.length, 'each counted in rws_connections_cut_total');
});

test('200 TLS (HTTP/1.1 by ALPN) connections sending headers a byte a second: all 408', async () => {
  const before = await timeouts();
  const result = await underAttack(target, 'h1-over-TLS slow-loris x200', () =>
    slowLoris(() => tlsConnect({ port: target.ports.tls!, host: '127.0.0.1', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false })),
  );
  check(result.lorises);
  assert.equal((await timeouts()) - before, result.lorises.length, 'each counted in rws_connections_cut_total');
});
