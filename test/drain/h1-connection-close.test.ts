// HTTP/1.1 drain, on the plain listener and on HTTP/1.1 over TLS, seen byte for byte through raw
// connections: during the shutdown delay keep-alive connections (old and new) are served normally; when
// the listeners drain, idle keep-alive connections are closed at once, a response whose headers are
// written after that says `Connection: close`, a response already under way (headers saying keep-alive)
// finishes in full and its connection closes 500 ms after it (src/node-http/connection-tracker.ts,
// keepAliveLingerMs), new connections are refused, and the process exits 0 soon after.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exitOf, logTime, probe, RawH1, sleep, streamBytes, useEdge } from './support.js';

const delayMs = 800;
// Generous: a loaded 2-core CI machine can stall a process for a few hundred ms.
const promptMs = 400;
// The close of a connection whose keep-alive response was under way when the drain began.
const lingerMs = 500;

for (const tls of [false, true]) {
  describe(`HTTP/1.1 drain (${tls ? 'TLS listener' : 'plain listener'})`, () => {
    const edge = useEdge({ RWS_CONFIG_SHUTDOWN_DELAY_MS: String(delayMs), RWS_CONFIG_DRAIN_TIMEOUT_MS: '10000' });

    it('keeps keep-alive during the delay, then Connection: close, closes idle and finished connections, exits 0', async () => {

      const { origin, server } = edge;
      const port = tls ? server.ports.tls! : server.ports.h1!;
      const exit = exitOf(server);
      const idle = await RawH1.open(port, tls);
      const first = await idle.get('/fast/a1');
      assert.equal(first.status, 200);

      server.kill('SIGTERM');
      const sigAt = Date.now();
      // A response whose headers go out during the delay but whose body runs past the drain start.
      const streaming = await RawH1.open(port, tls);
      const streamed = streaming.get(`/stream/c1?bytes=200000&ms=${delayMs + 700}`);
      await sleep(100);
      // A new connection during the delay is still accepted; its response is written after the drain began.
      const late = await RawH1.open(port, tls);
      const slow = late.get(`/slow/b1?ms=${delayMs + 400}`);
      // Two pipelined requests, both still running when the drain begins: only the second answer may
      // say Connection: close, or node would close the connection under the second request.
      const piped = await RawH1.open(port, tls);
      const pipe1 = piped.get(`/slow/p1?ms=${delayMs + 300}`);
      const pipe2 = piped.get(`/slow/p2?ms=${delayMs + 500}`);
      // Connections opened during the delay that have not sent a request when the drain begins.
      const fresh = await RawH1.open(port, tls);
      const silent = await RawH1.open(port, tls);
      // The idle keep-alive connection is served normally during the delay.
      const again = await idle.get('/fast/a2');
      assert.equal(again.status, 200);
      assert.equal(again.headers['connection'], 'keep-alive', 'no Connection: close during the shutdown delay');
      assert.ok(Date.now() - sigAt < delayMs, 'that request was inside the delay');

      const drainAt = await logTime(server, 'listeners draining');
      assert.ok(drainAt - sigAt >= delayMs - 50, `drain began ${drainAt - sigAt} ms after SIGTERM, delay is ${delayMs}`);

      const idleClosed = await idle.closed;
      assert.ok(idleClosed - drainAt < promptMs, `idle keep-alive connection closed ${idleClosed - drainAt} ms after the drain began`);
      // A request on a connection made before the drain, arriving just after it began, is still
      // answered (with Connection: close); a connection that never sends one is closed after a grace.
      await sleep(100);
      const late1st = await fresh.get('/fast/fresh');
      assert.deepEqual([late1st.status, late1st.headers['connection']], [200, 'close']);
      const freshClosed = await fresh.closed;
      assert.ok(freshClosed - late1st.endAt < promptMs, `closed ${freshClosed - late1st.endAt} ms after its response`);
      const silentClosed = await silent.closed;
      assert.ok(silentClosed - drainAt >= 450 && silentClosed - drainAt < 500 + promptMs, `unused connection closed ${silentClosed - drainAt} ms after the drain began (grace 500 ms)`);
      const refused = await probe(port, '/healthz');
      assert.equal(refused.error, 'ECONNREFUSED', `a new connection after the drain began: ${JSON.stringify(refused)}`);

      const s = await streamed;
      assert.equal(s.status, 200);
      assert.equal(s.headers['connection'], 'keep-alive', 'its headers were written before the drain');
      assert.ok(s.body.equals(streamBytes(200000)), 'the whole streamed body arrived');
      const streamingClosed = await streaming.closed;
      const lingered = streamingClosed - s.endAt;
      assert.ok(lingered >= lingerMs - 100 && lingered < lingerMs + promptMs, `closed ${lingered} ms after its response (linger ${lingerMs} ms)`);

      const b = await slow;
      assert.equal(b.status, 200);
      assert.equal(b.headers['connection'], 'close', 'headers written after the drain began say Connection: close');
      assert.equal(b.body.toString(), 'slow b1\n');
      const lateClosed = await late.closed;
      assert.ok(lateClosed - b.endAt < promptMs, `closed ${lateClosed - b.endAt} ms after its response`);

      const [p1, p2] = await Promise.all([pipe1, pipe2]);
      assert.deepEqual([p1.status, p1.body.toString(), p1.headers['connection']], [200, 'slow p1\n', 'keep-alive']);
      assert.deepEqual([p2.status, p2.body.toString(), p2.headers['connection']], [200, 'slow p2\n', 'close']);
      const pipedClosed = await piped.closed;
      assert.ok(pipedClosed - p2.endAt < promptMs, `closed ${pipedClosed - p2.endAt} ms after its last response`);

      const { code, at } = await exit;
      assert.equal(code, 0, server.stderr());
      // The streamed response's connection is closed only after its linger.
      const lastResponse = Math.max(s.endAt, b.endAt, p2.endAt);
      // The target is 500 ms; the margin is for a loaded machine.
      assert.ok(at - lastResponse < 500 + promptMs, `exited ${at - lastResponse} ms after the last response`);
      const done = await server.waitForLog((e) => e.msg === 'drain finished');
      assert.equal(done.requests_cut, 0);
      assert.deepEqual(new Set(origin.seen), new Set(['/fast/a1', '/fast/a2', `/stream/c1?bytes=200000&ms=${delayMs + 700}`, `/slow/b1?ms=${delayMs + 400}`, `/slow/p1?ms=${delayMs + 300}`, `/slow/p2?ms=${delayMs + 500}`, '/fast/fresh']));
      console.log(`# ${tls ? 'tls' : 'h1'}: drain began ${drainAt - sigAt} ms after SIGTERM; idle closed +${idleClosed - drainAt} ms; exit ${at - lastResponse} ms after the last response`);
    });
  });
}
