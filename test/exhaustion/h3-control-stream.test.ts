// Invalid frames on the HTTP/3 control stream (RFC 9114 §6.2.1, §7.2.1): a client whose control stream
// carries a DATA frame after its SETTINGS has its connection closed with H3_FRAME_UNEXPECTED, as does
// one whose first control frame is not SETTINGS (H3_MISSING_SETTINGS); a second control stream is
// H3_STREAM_CREATION_ERROR. 50 such clients one after another leave nothing behind: well-behaved
// HTTP/3, HTTP/2 and HTTP/1.1 clients are served meanwhile, and no QUIC connection stays open.
// The client is quiche's, driven raw (test/support/quic-client.ts); the frame bytes are written by hand.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../observability/support.js';
import { QuicClient } from '../support/quic-client.js';
import { startTarget, underAttack, type Target } from './support.js';

// Unidirectional stream type 0x00 (control), then frames as (type, length, payload) varints.
const CONTROL = [0x00];
const SETTINGS_EMPTY = [0x04, 0x00];
const DATA_3 = [0x00, 0x03, 0x61, 0x62, 0x63];
const H3_FRAME_UNEXPECTED = 0x105;
const H3_MISSING_SETTINGS = 0x10a;
const H3_STREAM_CREATION_ERROR = 0x103;
// Client-initiated unidirectional streams: 2, 6, 10, ... (RFC 9000 §2.1).
const FIRST_UNI = 2;
const SECOND_UNI = 6;

let target: Target;
before(async () => {
  target = await startTarget();
});
after(() => target?.stop());

/** Connects, writes `streams` (id → bytes), and returns the application error code the server closed with. */
async function closeCode(streams: [number, number[]][]): Promise<number> {
  const c = await QuicClient.connect(target.ports.tls!);
  try {
    for (const [id, bytes] of streams) c.send(id, Uint8Array.from(bytes));
    const err = await c.closedByPeer(3000);
    assert.ok(err !== null, 'the server closed the connection');
    assert.equal(err.isApp, true, 'with an HTTP/3 (application) error code');
    return err.errorCode;
  } finally {
    c.close();
  }
}

test('DATA on the control stream: H3_FRAME_UNEXPECTED', async () => {
  assert.equal(await closeCode([[FIRST_UNI, [...CONTROL, ...SETTINGS_EMPTY, ...DATA_3]]]), H3_FRAME_UNEXPECTED);
});

test('a control stream that does not start with SETTINGS: H3_MISSING_SETTINGS', async () => {
  assert.equal(await closeCode([[FIRST_UNI, [...CONTROL, ...DATA_3]]]), H3_MISSING_SETTINGS);
});

test('a second control stream: H3_STREAM_CREATION_ERROR', async () => {
  const control = [...CONTROL, ...SETTINGS_EMPTY];
  assert.equal(await closeCode([[FIRST_UNI, control], [SECOND_UNI, control]]), H3_STREAM_CREATION_ERROR);
});

test('50 clients with a DATA frame on their control stream, while well-behaved clients are served', async () => {
  await underAttack(
    target,
    'h3 control-stream errors x50',
    async () => {
      for (let i = 0; i < 50; i++) {
        assert.equal(await closeCode([[FIRST_UNI, [...CONTROL, ...SETTINGS_EMPTY, ...DATA_3]]]), H3_FRAME_UNEXPECTED);
      }
    },
    { protocols: ['h3', 'h1', 'h2'], minRounds: 1 },
  );
  assert.ok((await target.metric('rws_quic_connections_closed_total', { code: 'H3_FRAME_UNEXPECTED' })) >= 51);
  const open = await eventually(() => target.metric('http_active_connections', { protocol: 'h3' }), (n) => n === 0);
  assert.equal(open, 0, 'no QUIC connection left open');
});
