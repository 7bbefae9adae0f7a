// A window-update stall over HTTP/2: 10 sessions each ask for a 32 MiB file on 100 streams and never
// send a WINDOW_UPDATE, so the server may send 64 KiB per session (the initial connection window,
// RFC 9113 §6.9.2) and 1000 responses stall. The server holds one small read-ahead per stalled stream
// (16 KiB file chunks on HTTP/2: +52 MiB measured, where 64 KiB chunks held +147 MiB), serves other
// clients, and closes the stalled sessions at RWS_CONFIG_IDLE_TIMEOUT_MS (2 s here; node defers the
// first expiry once while a write is pending, so up to twice that).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../observability/support.js';
import { H2Wire, request } from '../support/h2-frames.js';
import { blob, MiB, sleep, startTarget, underAttack, type Target } from './support.js';

const SESSIONS = 10;
const STREAMS = 100;
const IDLE_MS = 2000;
let target: Target;
before(async () => {
  target = await startTarget({ RWS_CONFIG_IDLE_TIMEOUT_MS: String(IDLE_MS), RWS_CONFIG_COMPRESSION: 'off' }, { 'big.bin': blob(32 * MiB) });
});
after(() => target?.stop());

test('1000 stalled HTTP/2 downloads: bounded memory, others served, sessions closed at the idle timeout', async () => {
  const wires: H2Wire[] = [];
  try {
    await underAttack(
      target,
      `h2 window stall, ${SESSIONS} sessions x ${STREAMS} streams of 32 MiB`,
      async () => {
        for (let i = 0; i < SESSIONS; i++) {
          const first = Array.from({ length: STREAMS }, (_, s) => request(2 * s + 1, '/big.bin'));
          wires.push(await H2Wire.open(target.ports.tls!, { first }));
        }
        const allAnswered = await eventually(
          async () => wires.every((w) => w.answered.size === STREAMS),
          (ok) => ok,
          5000,
        );
        assert.ok(allAnswered, 'every stream got its response headers');
        await sleep(IDLE_MS / 2);
        assert.equal(await target.metric('http_active_requests', { protocol: 'h2' }), SESSIONS * STREAMS, 'every download is in flight');
      },
      { rssBound: 100 * MiB },
    );
    // Flow control held: no session got more than its 65 535-byte connection window.
    for (const w of wires) assert.ok(w.dataBytes <= 65_535, `a session received ${w.dataBytes} bytes`);
    const closed = await Promise.race([Promise.all(wires.map((w) => w.closed)).then(() => true), sleep(4 * IDLE_MS + 2000).then(() => false)]);
    assert.ok(closed, `${wires.filter((w) => !w.socket.destroyed).length} stalled sessions still open`);
    const active = await eventually(() => target.metric('http_active_requests', { protocol: 'h2' }), (n) => n === 0, 3000);
    assert.equal(active, 0, 'no download left in flight');
  } finally {
    for (const w of wires) w.close();
  }
});
