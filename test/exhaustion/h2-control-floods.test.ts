// PING and SETTINGS floods over HTTP/2: 50 000 frames from a client that does not read the
// acknowledgements it provokes. nghttp2 (node) closes the connection once 1000 acknowledgements are
// queued unsent (its max_outbound_ack), so the queue, and the server's memory, stay bounded; the same
// from 10 clients at a time for 2 s while well-behaved HTTP/2 and HTTP/1.1 clients are served. A PING from a
// client that does read is answered as usual.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { H2, H2Wire, ping, settings } from '../support/h2-frames.js';
import { repeat, sleep, startTarget, tick, underAttack, type Target } from './support.js';

const FRAMES = 50_000;
// SETTINGS_INITIAL_WINDOW_SIZE (0x4) = 1 MiB: a valid setting that changes nothing for the server.
const SETTING: [number, number][] = [[0x4, 1024 * 1024]];
let target: Target;
before(async () => {
  target = await startTarget();
});
after(() => target?.stop());

/** Writes FRAMES frames of `kind` in batches without reading; then reads and reports what came back. */
async function flood(kind: 'PING' | 'SETTINGS'): Promise<{ sent: number; acks: number; closed: boolean }> {
  const wire = await H2Wire.open(target.ports.tls!);
  assert.ok(await wire.until(() => wire.count(H2.SETTINGS) >= 2, 5000), 'connection set up');
  wire.socket.pause();
  const acksBefore = wire.count(H2[kind]);
  let sent = 0;
  // Until the server closes the connection, FRAMES are written, or 10 s. A SETTINGS flood needs ~25 000
  // frames before nghttp2 has 1000 acknowledgements queued; a loaded machine wrote fewer in the 3 s this
  // loop used to allow, and the client then read the backlog and was never closed (seen once).
  const until = Date.now() + 10_000;
  while (sent < FRAMES && !wire.socket.destroyed && Date.now() < until) {
    const batch = Array.from({ length: 1000 }, (_, i) => (kind === 'PING' ? ping(sent + i) : settings(SETTING)));
    sent += batch.length;
    await Promise.race([wire.send(...batch), sleep(500)]);
    await tick();
  }
  wire.socket.resume();
  const closed = await Promise.race([wire.closed.then(() => true), sleep(5000).then(() => false)]);
  wire.close();
  return { sent, acks: wire.count(H2[kind]) - acksBefore, closed };
}

const floods = (): Promise<number> => target.metric('rws_connections_cut_total', { protocol: 'h2', reason: 'flood' });

for (const kind of ['PING', 'SETTINGS'] as const) {
  test(`${kind} flood from a client that does not read: connection closed, acknowledgements bounded`, async () => {
    const before = await floods();
    const r = await flood(kind);
    console.log(`${kind} flood: ${r.sent} written, ${r.acks} acknowledged, closed: ${r.closed}`);
    assert.ok(r.closed, 'the server closed the connection');
    assert.ok(r.acks <= 2000, `${r.acks} acknowledgements`);
    assert.ok(r.sent > r.acks, 'most frames went unanswered');
    assert.equal((await floods()) - before, 1, 'counted once in rws_connections_cut_total');
    const line = await target.proc.waitForLog((e) => e.msg === 'connection cut' && e.reason === 'flood', 2000);
    assert.deepEqual([line.level, line.protocol, line.remote_addr], ['warn', 'h2', '127.0.0.1']);
  });
}

test('10 flooding clients at a time (PING and SETTINGS) for 2 s, while well-behaved clients are served', async () => {
  await underAttack(target, 'h2 PING/SETTINGS floods, 10 at a time for 2 s', async () => {
    const rounds = await repeat(2000, 10, async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => flood(i % 2 === 0 ? 'PING' : 'SETTINGS')));
      for (const r of results) assert.ok(r.closed, 'every flooding connection was closed');
    });
    console.log(`control floods: ${rounds * 10} flooding connections`);
  });
});

test('a client that reads gets its PINGs answered', async () => {
  const wire = await H2Wire.open(target.ports.tls!);
  try {
    await wire.send(...Array.from({ length: 100 }, (_, i) => ping(i)));
    assert.ok(await wire.until(() => wire.count(H2.PING) === 100, 5000), `${wire.count(H2.PING)} PING acks`);
    assert.equal(wire.goaway, null);
  } finally {
    wire.close();
  }
});
