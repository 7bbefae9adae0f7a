// An HTTP/2 client that vanishes mid-download while the server's write is pending: its kernel answers
// the server's next bytes with a TCP reset, node's http2 sees that write fail and then waits for ever
// on the next one, with no 'error' or 'close' (Node 20.20 and 24.21 alike; src/h2/session-tracker.ts;
// Node 24.22 sees the failed write and closes the session itself, within ~20 ms here).
// Without the listener's liveness probe the stream, the session and the socket were held for good (past
// node's own idle timeout too) and a drain waited for its deadline. With it (RWS_CONFIG_H2_PING_TIMEOUT_MS
// 1 s here, 10 s by default) such a session is closed within about two and a half timeouts, also when
// node's idle timeout has destroyed it first (which ends its stream but not the session). Clients
// that vanish: curl giving up after 1 s of a paced download, and a raw TLS client that stops reading
// and closes its socket with data unread. Clients that are slow but alive keep their downloads: one
// that pauses its stream (flow control stalls the server) for several timeouts answers the PINGs and
// then gets every byte, and curl reading at 1 MiB/s completes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:http2';
import { clients, hasClient } from '../support/clients.js';
import { eventually } from '../observability/support.js';
import { frame, H2, H2Wire, request } from '../support/h2-frames.js';
import { runClient } from '../h3/support.js';
import { blob, MiB, sleep, startTarget, type Target } from './support.js';

const PING_TIMEOUT_MS = 1000;
/** A vanished client's session must be gone within this: ~2.5 timeouts plus a loaded machine's margin, far below the 120 s idle timeout. */
const RELEASE_BOUND_MS = 10_000;
const BIG = blob(64 * MiB);
const BIG_SHA = createHash('sha256').update(BIG).digest('hex');
const noCurl = hasClient('curl') ? false : 'curl is missing (bash scripts/install-clients.sh)';

const env = { RWS_CONFIG_H2_PING_TIMEOUT_MS: String(PING_TIMEOUT_MS), RWS_CONFIG_COMPRESSION: 'off' };
const files = { 'big.bin': BIG, 'six.bin': BIG.subarray(0, 6 * MiB) };
let target: Target;
before(async () => {
  target = await startTarget(env, files);
});
after(() => target?.stop());

/** curl downloads `path` over HTTP/2 at `rate`, giving up after `maxTime` seconds. */
function curlH2(t: Target, path: string, rate: string, maxTime: number): ReturnType<typeof runClient> {
  const args = ['--http2', '-k', '-sS', '--limit-rate', rate, '-m', String(maxTime), '-o', '/dev/null', '-w', '%{http_code} %{size_download}'];
  return runClient(clients().curl, [...args, `${t.tls}${path}`], { timeoutMs: (maxTime + 10) * 1000 });
}

/** The HTTP/2 requests and connections the server holds, once both are 0 or after `boundMs`. */
async function held(t: Target, boundMs = RELEASE_BOUND_MS): Promise<{ requests: number; connections: number; ms: number }> {
  const started = Date.now();
  const last = await eventually(
    async () => ({ requests: await t.metric('http_active_requests', { protocol: 'h2' }), connections: await t.metric('http_active_connections', { protocol: 'h2' }) }),
    (h) => h.requests === 0 && h.connections === 0,
    boundMs,
  );
  return { ...last, ms: Date.now() - started };
}

const unresponsive = (t: Target): Promise<number> => t.metric('rws_connections_cut_total', { protocol: 'h2', reason: 'unresponsive' });

/** curl reads 1 MiB/s of the 64 MiB file and gives up after 1 s: it closes its socket with data unread. */
async function curlVanishes(t: Target): Promise<void> {
  const r = await curlH2(t, '/big.bin', '1M', 1);
  assert.equal(r.code, 28, `curl timed out as asked (exit ${r.code}: ${r.stderr})`);
}

/**
 * A raw client opens every window wide, asks for the 64 MiB file, reads for a moment, stops reading
 * until the server's writes are stuck on a full socket, then closes with data unread (a TCP reset).
 */
async function rawClientVanishes(t: Target): Promise<void> {
  const increment = Buffer.alloc(4);
  increment.writeUInt32BE(2 ** 31 - 1 - 65_535);
  const wire = await H2Wire.open(t.ports.tls!, {
    ourSettings: [[0x4, 2 ** 31 - 1]], // SETTINGS_INITIAL_WINDOW_SIZE
    first: [frame(H2.WINDOW_UPDATE, 0, 0, increment), request(1, '/big.bin')],
  });
  assert.ok(await wire.until(() => wire.dataBytes > MiB, 5000), 'the download started');
  wire.socket.pause();
  await sleep(500);
  wire.close();
  await wire.closed;
}

for (const [name, vanish, skip] of [
  ['curl -m 1 --limit-rate 1M', curlVanishes, noCurl],
  ['a raw TLS client', rawClientVanishes, false],
] as const) {
  test(`${name} vanishes mid-download: its stream and connection are released`, { skip }, async () => {
    const cutBefore = await unresponsive(target);
    await vanish(target);
    const h = await held(target);
    console.log(`${name}: h2 requests ${h.requests}, connections ${h.connections}, ${h.ms} ms after the client left`);
    assert.deepEqual({ requests: h.requests, connections: h.connections }, { requests: 0, connections: 0 });
    const cuts = (await unresponsive(target)) - cutBefore;
    if (h.ms < PING_TIMEOUT_MS) {
      // Released before the probe could have acted (a PING after one timeout of silence, the close after
      // one more): node saw the failed write itself (Node 24.22), and nothing is counted as cut.
      assert.equal(cuts, 0, 'node released the session itself: no cut is counted');
      return;
    }
    assert.equal(cuts, 1, 'the probe\'s close is counted in rws_connections_cut_total');
    const line = await target.proc.waitForLog((e) => e.msg === 'connection cut' && e.reason === 'unresponsive', 2000);
    assert.deepEqual([line.level, line.protocol, line.remote_addr], ['info', 'h2', '127.0.0.1']);
  });
}

test('a client gone just before SIGTERM: the drain ends when the probe closes its session', { skip: noCurl }, async () => {
  // A server of its own: this one exits. The drain's deadline is far off, so waiting for it would show.
  const own = await startTarget({ ...env, RWS_CONFIG_DRAIN_TIMEOUT_MS: '20000' }, files);
  try {
    await curlVanishes(own);
    const signalled = Date.now();
    own.proc.kill('SIGTERM');
    const exit = await own.proc.exited;
    const ms = Date.now() - signalled;
    console.log(`drain with a vanished client: exit ${exit.code} after ${ms} ms`);
    assert.equal(exit.code, 0, own.proc.stderr());
    assert.ok(ms < RELEASE_BOUND_MS, `the drain took ${ms} ms`);
  } finally {
    await own.stop();
  }
});

// node's idle timeout ends the stuck stream (its session.destroy() runs), but the session waits for the
// stuck write to close: for good, and holding its socket. The probe closes such a session as well. Its
// PING comes too late here to be the first: 3 s of silence, where the idle timeout fires after 1 to 2 s.
test('a vanished client whose session the idle timeout destroyed first: its connection is released', { skip: noCurl }, async () => {
  const own = await startTarget({ ...env, RWS_CONFIG_IDLE_TIMEOUT_MS: '1000', RWS_CONFIG_H2_PING_TIMEOUT_MS: '3000' }, files);
  try {
    await curlVanishes(own);
    const h = await held(own, 15_000);
    console.log(`idle timeout first: h2 requests ${h.requests}, connections ${h.connections}, ${h.ms} ms after the client left`);
    assert.deepEqual({ requests: h.requests, connections: h.connections }, { requests: 0, connections: 0 });
  } finally {
    await own.stop();
  }
});

test('a client that pauses its download for 5 timeouts answers the PINGs, keeps its session and gets every byte', async () => {
  const cutBefore = await unresponsive(target);
  const session = connect(target.tls, { rejectUnauthorized: false });
  session.on('error', () => {});
  let pings = 0;
  session.on('ping', () => pings++);
  try {
    const stream = session.request({ ':path': '/big.bin' });
    const hash = createHash('sha256');
    let got = 0;
    stream.on('data', (chunk: Buffer) => {
      got += chunk.length;
      hash.update(chunk);
    });
    const ended = new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('error', reject);
    });
    await eventually(async () => got, (n) => n > MiB, 5000);
    // Paused, the stream takes no more data, its window closes and the server's writes stop.
    stream.pause();
    await sleep(5 * PING_TIMEOUT_MS);
    assert.ok(pings > 0, 'the server probed the silent session with a PING');
    assert.equal(session.closed || session.destroyed || stream.closed, false, 'the session and stream are still open');
    stream.resume();
    await ended;
    assert.equal(got, BIG.length);
    assert.equal(hash.digest('hex'), BIG_SHA);
    console.log(`paused client: ${pings} PINGs answered, ${got} bytes`);
    assert.equal(await unresponsive(target), cutBefore, 'not counted as cut');
  } finally {
    session.destroy();
  }
});

test('curl reading 6 MiB at 1 MiB/s completes', { skip: noCurl }, async () => {
  const r = await curlH2(target, '/six.bin', '1M', 20);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), `200 ${6 * MiB}`);
});
