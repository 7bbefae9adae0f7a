// 2000 idle HTTP/1.1 connections: 1000 that sent one request, read the answer and then say nothing
// (closed by RWS_CONFIG_KEEPALIVE_TIMEOUT_MS, 1 s here) and 1000 that never send a byte (answered 408
// and closed by RWS_CONFIG_HEADERS_TIMEOUT_MS, 2 s here, checked every second). None outlives its
// timeout by more than the check interval and some slack, and well-behaved HTTP/1.1 and HTTP/2 clients
// are served while they are open.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { HELLO, sleep, startTarget, tick, underAttack, type Target } from './support.js';

const EACH = 1000;
const KEEPALIVE_MS = 1000;
const HEADERS_MS = 2000;
let target: Target;
before(async () => {
  target = await startTarget({ RWS_CONFIG_KEEPALIVE_TIMEOUT_MS: String(KEEPALIVE_MS), RWS_CONFIG_HEADERS_TIMEOUT_MS: String(HEADERS_MS) });
});
after(() => target?.stop());

interface Idle {
  socket: Socket;
  text: string;
  /** ms after the connection's last response (keep-alive) or its connect (silent) when it closed; -1: open. */
  closedAfter: number;
  since: number;
}

function open(sendRequest: boolean): Idle {
  const socket = connect(target.ports.h1!, '127.0.0.1');
  const idle: Idle = { socket, text: '', closedAfter: -1, since: Date.now() };
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  socket.on('data', (d: string) => {
    idle.text += d;
    if (idle.text.endsWith(HELLO)) idle.since = Date.now(); // the answer is complete: idle from now
  });
  socket.on('close', () => (idle.closedAfter = Date.now() - idle.since));
  if (sendRequest) socket.write('GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  return idle;
}

test('1000 idle keep-alive and 1000 silent connections are closed by their timeouts', async () => {
  const kept: Idle[] = [];
  const silent: Idle[] = [];
  await underAttack(target, `h1 ${2 * EACH} idle connections`, async () => {
    for (let i = 0; i < EACH; i++) {
      kept.push(open(true));
      silent.push(open(false));
      if (i % 50 === 49) await tick();
    }
    const all = [...kept, ...silent];
    const until = Date.now() + HEADERS_MS + 5000;
    while (all.some((c) => c.closedAfter < 0) && Date.now() < until) await sleep(100);
  });
  for (const c of [...kept, ...silent]) c.socket.destroy();
  const stillOpen = [...kept, ...silent].filter((c) => c.closedAfter < 0).length;
  assert.equal(stillOpen, 0, `${stillOpen} idle connections were never closed`);
  const answered = kept.filter((c) => c.text.startsWith('HTTP/1.1 200 ')).length;
  assert.equal(answered, EACH, 'every keep-alive connection got its answer first');
  const latestKept = Math.max(...kept.map((c) => c.closedAfter));
  const latestSilent = Math.max(...silent.map((c) => c.closedAfter));
  console.log(`idle connections: keep-alive ones closed at most ${latestKept} ms after their answer, silent ones at most ${latestSilent} ms after connecting`);
  assert.ok(latestKept < KEEPALIVE_MS + 3000, `a keep-alive connection lasted ${latestKept} ms idle`);
  assert.ok(latestSilent < HEADERS_MS + 4000, `a silent connection lasted ${latestSilent} ms`);
  const not408 = silent.filter((c) => !c.text.startsWith('HTTP/1.1 408 ')).length;
  assert.equal(not408, 0, 'the silent connections were told 408 Request Timeout');
});
