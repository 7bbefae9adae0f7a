// Streams past the limit over HTTP/3: the engine grants RWS_CONFIG_MAX_CONCURRENT_STREAMS (100)
// bidirectional streams (QUIC MAX_STREAMS, RFC 9000 §4.6). A raw client that opens 100 request streams
// and leaves them unfinished has no credit for a 101st (quiche refuses it locally: StreamLimit), and
// the server keeps serving others. Then h3load asks for 300 concurrent streams on one connection: the
// server never has more than 100 requests of it in flight, and every request still completes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { h3load, h3Url } from '../h3/support.js';
import { QuicClient } from '../support/quic-client.js';
import { blob, sleep, startTarget, underAttack, type Target } from './support.js';

const LIMIT = 100;
let target: Target;
before(async () => {
  target = await startTarget({ RWS_CONFIG_MAX_CONCURRENT_STREAMS: String(LIMIT) }, { 'small.bin': blob(16 * 1024) });
});
after(() => target?.stop());

test('a raw client gets 100 streams and no 101st; unfinished streams do not block others', async () => {
  const c = await QuicClient.connect(target.ports.tls!);
  try {
    await underAttack(
      target,
      'h3 100 unfinished streams',
      async () => {
        assert.equal(c.conn.peerStreamsLeftBidi(), LIMIT);
        // A HEADERS frame type byte and nothing else: the server waits for the rest of each request.
        for (let i = 0; i < LIMIT; i++) assert.equal(c.send(4 * i, Uint8Array.of(0x01)), 1);
        assert.equal(c.conn.peerStreamsLeftBidi(), 0);
        assert.throws(() => c.send(4 * LIMIT, Uint8Array.of(0x01)), /StreamLimit/);
        await sleep(1000);
        assert.equal(c.conn.peerError(), null, 'the connection is still open');
      },
      { protocols: ['h3', 'h1'], minRounds: 1 },
    );
  } finally {
    c.close();
  }
});

test('h3load -c 1 -m 300: at most 100 requests in flight, all 600 complete', { timeout: 60_000 }, async () => {
  let maxActive = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      maxActive = Math.max(maxActive, await target.metric('http_active_requests', { protocol: 'h3' }));
      await sleep(50);
    }
  })();
  const r = await h3load(['-c', '1', '-m', '300', '-n', '600', '-url', h3Url(target.ports.tls!, '/small.bin')], { timeoutMs: 50_000 });
  sampling = false;
  await sampler;
  console.log(`h3load -m 300: ${r.stdout.toString().trim()}; most requests in flight seen: ${maxActive}`);
  assert.equal(r.code, 0, `${r.stdout.toString()}${r.stderr}`);
  assert.match(r.stdout.toString(), /^h3load: 600 ok, 0 failed, 0 non-2xx in /);
  assert.ok(maxActive <= LIMIT, `${maxActive} requests in flight on one connection`);
  assert.ok(maxActive > 1, 'the requests ran concurrently');
});
