// HTTP/2 drain: during the shutdown delay sessions (old and new) are served normally, without Alt-Svc;
// when the listeners drain, every session gets two GOAWAY frames (last stream id 2^31-1, then the last
// stream actually processed, RFC 9113 §6.8), its open streams finish in full, and it closes. Seen by
// three independent clients: node's http2 client ('goaway' events), nghttp -v (frame log), and a raw
// frame-level client that opens a stream after the first GOAWAY, as a client whose HEADERS crossed the
// GOAWAY would: that stream must be reported unprocessed (above the second GOAWAY's id) and never reach
// the origin, so the client can retry it elsewhere.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import { clients, hasClient } from '../support/clients.js';
import { FrameType, RawH2 } from './raw-h2.js';
import { exitOf, logTime, sleep, streamBytes, useEdge } from './support.js';

const delayMs = 800;
const promptMs = 400;
const maxStreamId = 2 ** 31 - 1;

interface H2Answer {
  status: number;
  headers: Record<string, unknown>;
  body: Buffer;
  endAt: number;
  streamId: number;
}

function h2get(session: ClientHttp2Session, path: string): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path });
    const chunks: Buffer[] = [];
    let headers: Record<string, unknown> = {};
    req.on('response', (h) => (headers = h));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ status: Number(headers[':status']), headers, body: Buffer.concat(chunks), endAt: Date.now(), streamId: req.id! }));
    req.on('error', reject);
  });
}

function nghttp(url: string): Promise<{ out: string; endAt: number }> {
  return new Promise((resolve, reject) => {
    execFile(clients().nghttp, ['-v', '--no-dep', url], { timeout: 20_000 }, (err, stdout) => {
      if (err) reject(err);
      else resolve({ out: stdout, endAt: Date.now() });
    });
  });
}

describe('HTTP/2 drain: two-phase GOAWAY', () => {
  const edge = useEdge({ RWS_CONFIG_SHUTDOWN_DELAY_MS: String(delayMs), RWS_CONFIG_DRAIN_TIMEOUT_MS: '10000' });

  it('serves during the delay, sends GOAWAY twice, finishes open streams, refuses crossing ones, exits 0', { skip: !hasClient('nghttp') && 'nghttp is not installed (bash scripts/install-clients.sh)' }, async () => {

    const { origin, server } = edge;
    const base = `https://127.0.0.1:${server.ports.tls}`;
    const exit = exitOf(server);
    const session = connect(base, { rejectUnauthorized: false });
    session.on('error', () => {});
    const goaways: { code: number; last: number; at: number }[] = [];
    session.on('goaway', (code, last) => goaways.push({ code, last, at: Date.now() }));
    const sessionClosed = new Promise<number>((r) => session.once('close', () => r(Date.now())));
    const before = await h2get(session, '/fast/before');
    assert.ok(before.headers['alt-svc'], 'Alt-Svc is sent while ready');
    const longBeforeSignal = h2get(session, `/slow/long?ms=${delayMs + 800}`);
    await sleep(50);

    server.kill('SIGTERM');
    const sigAt = Date.now();
    // The existing session keeps working during the delay, without Alt-Svc from now on.
    const during = await h2get(session, '/fast/during');
    assert.equal(during.status, 200);
    assert.equal(during.headers['alt-svc'], undefined, 'no Alt-Svc once draining');
    const streaming = h2get(session, `/stream/s1?bytes=300000&ms=${delayMs + 500}`);
    // A new connection during the delay is accepted; readiness already says 503, liveness 200.
    const fresh = connect(base, { rejectUnauthorized: false });
    fresh.on('error', () => {});
    assert.equal((await h2get(fresh, '/readyz')).status, 503);
    assert.equal((await h2get(fresh, '/healthz')).status, 200);
    fresh.close();
    const viaNghttp = nghttp(`${base}/slow/ng?ms=${delayMs + 300}`);
    // Two raw clients: one answers the server's PING, one does not (the second GOAWAY then comes on a timer).
    const raw = await RawH2.open(server.ports.tls!);
    const mute = await RawH2.open(server.ports.tls!, { answerPings: false });
    raw.get(1, `/slow/raw1?ms=${delayMs + 200}`);
    mute.get(1, `/slow/mute1?ms=${delayMs + 200}`);
    assert.ok(Date.now() - sigAt < delayMs, 'all of the above happened inside the delay');

    const drainAt = await logTime(server, 'listeners draining');
    // The raw client opens stream 3 the moment the first GOAWAY arrives, as if its HEADERS had crossed it.
    const firstGoaway = await raw.next((f) => f.type === FrameType.GOAWAY);
    raw.get(3, '/fast/crossing');
    assert.ok(firstGoaway.at - drainAt < promptMs, `first GOAWAY ${firstGoaway.at - drainAt} ms after the drain began`);
    await raw.next((f) => f.type === FrameType.GOAWAY && f !== firstGoaway);
    await mute.next((f) => f.type === FrameType.GOAWAY && f.payload.readUInt32BE(0) !== maxStreamId);

    const [long, streamed, ng] = await Promise.all([longBeforeSignal, streaming, viaNghttp]);
    assert.equal(long.status, 200);
    assert.equal(long.body.toString(), 'slow long\n');
    assert.equal(streamed.status, 200);
    assert.ok(streamed.body.equals(streamBytes(300000)), 'the streamed body arrived in full');

    // node's client: GOAWAY(2^31-1) then GOAWAY(last stream it opened), both NO_ERROR.
    assert.deepEqual(goaways.map((g) => [g.code, g.last]), [
      [constants.NGHTTP2_NO_ERROR, maxStreamId],
      [constants.NGHTTP2_NO_ERROR, streamed.streamId],
    ]);
    const closedAt = await sessionClosed;
    assert.ok(closedAt - Math.max(long.endAt, streamed.endAt) < promptMs, 'the session closed right after its last stream');

    // nghttp's frame log shows the same two GOAWAY frames, then the complete response.
    const frames = [...ng.out.matchAll(/recv GOAWAY frame[^\n]*\n\s*\(last_stream_id=(\d+), error_code=([A-Z_]+)/g)].map((m) => [Number(m[1]), m[2]]);
    assert.deepEqual(frames, [
      [maxStreamId, 'NO_ERROR'],
      [1, 'NO_ERROR'],
    ], ng.out);
    assert.match(ng.out, /recv \(stream_id=1\) :status: 200/);
    assert.match(ng.out, /slow ng\n/);

    // The raw clients: stream 1 completed; the crossing stream 3 was never processed, and the second
    // GOAWAY says so (last stream id 1 < 3).
    for (const c of [raw, mute]) {
      const [g1, g2] = c.goaways();
      assert.deepEqual([g1!.lastStreamId, g1!.code, g2!.lastStreamId, g2!.code], [maxStreamId, 0, 1, 0]);
      const b = c.body(1);
      assert.ok(b.ended, 'stream 1 ended');
      assert.match(b.data.toString(), /^slow (raw|mute)1\n$/);
    }
    assert.deepEqual(raw.framesOf(3), [], 'nothing was answered on the crossing stream');
    assert.ok(!origin.seen.includes('/fast/crossing'), 'the crossing stream never reached the origin');
    const [r1, r2] = raw.goaways();
    const [m1, m2] = mute.goaways();
    assert.ok(r2!.at - r1!.at < promptMs, `the PING-answering client got the second GOAWAY ${r2!.at - r1!.at} ms after the first`);
    assert.ok(m2!.at - m1!.at >= 900, `the silent client got it on the 1 s timer (${m2!.at - m1!.at} ms)`);

    const { code, at } = await exit;
    assert.equal(code, 0, server.stderr());
    const last = Math.max(long.endAt, streamed.endAt, ng.endAt, raw.body(1).at, mute.body(1).at);
    assert.ok(at - last < 500 + promptMs, `exited ${at - last} ms after the last response`);
    const done = await server.waitForLog((e) => e.msg === 'drain finished');
    assert.equal(done.requests_cut, 0);
    console.log(`# h2: first GOAWAY +${firstGoaway.at - drainAt} ms after drain start; second after ${r2!.at - r1!.at} ms (PING) / ${m2!.at - m1!.at} ms (timer); exit ${at - last} ms after the last response`);
  });
});
