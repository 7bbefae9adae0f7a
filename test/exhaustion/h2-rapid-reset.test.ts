// HTTP/2 rapid reset (CVE-2023-44487): HEADERS then RST_STREAM(CANCEL), in a loop, as fast as TLS
// carries them. RWS_CONFIG_H2_RESET_BURST (200 by default) abandoned streams into it, the session is
// closed with GOAWAY ENHANCE_YOUR_CALM: the server dispatched only about that many requests, not the
// thousands sent (Node 20's nghttp2 alone would stop at 1000 with INTERNAL_ERROR and keep the
// connection open). Such attackers, 5 at a time for 3 s, while well-behaved HTTP/2 and HTTP/1.1 clients
// are served; and a client that cancels a few dozen downloads, as a browser does, keeps its session.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, constants } from 'node:http2';
import { H2Code, H2Wire, request, rstStream } from '../support/h2-frames.js';
import { repeat, startTarget, tick, underAttack, type Target } from './support.js';

const BURST = 200;
const PAIRS = 5000;
let target: Target;
before(async () => {
  target = await startTarget();
});
after(() => target?.stop());

/**
 * One attacker: up to PAIRS HEADERS+RST_STREAM pairs in batches of 250; returns its connection.
 * `extra`: one more request field. `readAfter`: reads nothing until it has written them all, as a flood
 * that never looks back does.
 */
async function rapidReset({ extra, readAfter = false }: { extra?: [string, string]; readAfter?: boolean } = {}): Promise<{ wire: H2Wire; sent: number; closedMs: number }> {
  const wire = await H2Wire.open(target.ports.tls!);
  if (readAfter) wire.socket.pause();
  const started = Date.now();
  let sent = 0;
  for (let id = 1; sent < PAIRS && !wire.socket.destroyed; ) {
    const batch: Buffer[] = [];
    for (let i = 0; i < 250; i++, id += 2, sent++) batch.push(request(id, '/hello.txt', { extra }), rstStream(id, H2Code.CANCEL));
    await wire.send(...batch);
    await tick();
  }
  wire.socket.resume();
  const closedAt = await Promise.race([wire.closed, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
  return { wire, sent, closedMs: closedAt < 0 ? -1 : closedAt - started };
}

test('HEADERS + RST_STREAM in a loop: GOAWAY ENHANCE_YOUR_CALM after the burst, connection closed', async () => {
  const { wire, sent, closedMs } = await rapidReset();
  console.log(`rapid reset: ${sent} pairs written, GOAWAY ${JSON.stringify(wire.goaway)}, closed after ${closedMs} ms`);
  assert.ok(closedMs >= 0, 'the server closed the connection');
  assert.equal(wire.goaway?.code, H2Code.ENHANCE_YOUR_CALM);
  // Streams are odd ids: the last one processed says how many requests the server took on.
  const processed = (wire.goaway!.lastStreamId + 1) / 2;
  assert.ok(processed <= BURST + 50, `${processed} streams processed`);
});

// Streams the listener answers itself, before the core (here 417 for an unknown expectation), are
// counted as well: they are dispatched all the same.
test('the same with requests the listener refuses at once (Expect: 417)', async () => {
  const { wire, closedMs } = await rapidReset({ extra: ['expect', 'nonsense'] });
  assert.ok(closedMs >= 0, 'the server closed the connection');
  assert.equal(wire.goaway?.code, H2Code.ENHANCE_YOUR_CALM);
  assert.ok((wire.goaway!.lastStreamId + 1) / 2 <= BURST + 50, `${(wire.goaway!.lastStreamId + 1) / 2} streams processed`);
});

// The server closes an attacker's connection with its frames unread: closed at once, the kernel sends
// a TCP reset, which can discard the GOAWAY before the client reads it. The session lingers instead
// (src/h2/session-tracker.ts), so even a client that reads only after its whole flood learns why.
test('a client that reads only after writing its whole flood still gets GOAWAY ENHANCE_YOUR_CALM', async () => {
  const { wire, sent, closedMs } = await rapidReset({ readAfter: true });
  assert.equal(sent, PAIRS, 'the server kept reading while the GOAWAY waited to be read');
  assert.ok(closedMs >= 0, 'the server closed the connection');
  assert.equal(wire.goaway?.code, H2Code.ENHANCE_YOUR_CALM);
  assert.ok((wire.goaway!.lastStreamId + 1) / 2 <= BURST + 50, `${(wire.goaway!.lastStreamId + 1) / 2} streams processed`);
});

test('attackers 5 at a time for 3 s (at most 100), while well-behaved clients are served', async () => {
  await underAttack(target, 'h2 rapid reset, 5 attackers at a time for 3 s', async () => {
    const rounds = await repeat(3000, 20, async () => {
      const results = await Promise.all(Array.from({ length: 5 }, () => rapidReset()));
      for (const r of results) {
        assert.ok(r.closedMs >= 0, 'every attacker was disconnected');
        // An attacker still writing when the server closes gets a TCP reset, which can discard the
        // GOAWAY before it is read; when it was read, it says why.
        if (r.wire.goaway !== null) assert.equal(r.wire.goaway.code, H2Code.ENHANCE_YOUR_CALM);
      }
    });
    console.log(`rapid reset: ${rounds * 5} attackers`);
  });
});

test('a client that cancels 50 downloads keeps its session', async () => {
  const session = connect(target.tls, { rejectUnauthorized: false });
  session.on('error', () => {});
  try {
    for (let i = 0; i < 50; i++) {
      const stream = session.request({ ':path': '/hello.txt' });
      await new Promise<void>((resolve) => {
        stream.once('response', () => stream.close(constants.NGHTTP2_CANCEL));
        stream.once('close', resolve);
        stream.resume();
      });
    }
    const stream = session.request({ ':path': '/hello.txt' });
    let body = '';
    stream.setEncoding('utf8').on('data', (d: string) => (body += d));
    const status = await new Promise<number>((resolve) => stream.once('response', (h) => resolve(h[':status'] as number)));
    await new Promise((resolve) => stream.once('end', resolve));
    assert.equal(status, 200);
    assert.match(body, /well-behaved/);
    assert.equal(session.closed || session.destroyed, false, 'the session is still open');
  } finally {
    session.destroy();
  }
});
