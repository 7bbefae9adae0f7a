// Clients that stop reading their HTTP/3 responses (a 32 MiB file each). QUIC flow control holds the
// server to what the clients' windows allow, so its memory stays far below what was asked for, and
// new HTTP/3 and HTTP/1.1 clients are served meanwhile.
// - curl --limit-rate 1k (ngtcp2 stops reading the socket while over its rate, so it sends no ACKs
//   either), then SIGKILL: the connections end at the QUIC idle timeout (RWS_CONFIG_H3_IDLE_TIMEOUT_MS,
//   3 s here) and their requests with them.
// - a raw quiche client that keeps its connections alive (ACKs and PINGs) but never reads a byte of
//   its 100 streams per connection: 500 stalled responses, the transport stopped at the client's
//   1 MiB connection window; they end when the client closes. What the server holds per stalled
//   stream is its own read-ahead (one 64 KiB chunk waiting for credit, one read ahead: ~130 KiB, see
//   docs/limits.md), so the bound is per stream times RWS_CONFIG_MAX_CONCURRENT_STREAMS per connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { curlH3, settledH3Requests, type RunningClient } from '../h3/support.js';
import { eventually } from '../observability/support.js';
import { getRequest, QuicClient } from '../support/quic-client.js';
import { blob, MiB, sleep, startTarget, underAttack, type Target } from './support.js';

const SIZE = 32 * MiB;
let target: Target;
before(async () => {
  target = await startTarget({ RWS_CONFIG_H3_IDLE_TIMEOUT_MS: '3000' }, { 'big.bin': blob(SIZE) });
});
after(() => target?.stop());

async function bodyBytesSent(): Promise<number> {
  return target.metric('http_response_bytes_total', { protocol: 'h3' });
}

test('10 curl downloads at --limit-rate 1k, then killed: bounded, ended by the idle timeout', async () => {
  const clients = 10;
  const sentBefore = await bodyBytesSent();
  const slow: RunningClient[] = [];
  try {
    await underAttack(
      target,
      `h3 ${clients} curl --limit-rate 1k downloads of 32 MiB`,
      async () => {
        for (let i = 0; i < clients; i++) slow.push(curlH3(target.ports.tls!, '/big.bin', ['-o', '/dev/null', '--limit-rate', '1k'], { timeoutMs: 20_000 }));
        await sleep(1500);
        assert.ok((await target.metric('http_active_requests', { protocol: 'h3' })) >= clients, 'the slow downloads are in flight');
      },
      { protocols: ['h3', 'h1'], minRounds: 1 },
    );
  } finally {
    for (const c of slow) c.kill('SIGKILL');
    await Promise.all(slow);
  }
  assert.equal(await settledH3Requests(target.h1, 8000), 0, "the dead clients' requests ended");
  const sent = (await bodyBytesSent()) - sentBefore;
  console.log(`h3 curl --limit-rate: ${(sent / MiB).toFixed(2)} MiB of body sent in all (asked: ${(clients * SIZE) / MiB} MiB)`);
  assert.ok(sent < clients * 4 * MiB, `the server sent ${sent} bytes`);
});

test('500 streams on 5 live connections that never read: bounded by flow control', async () => {
  const connections = 5;
  const streams = 100;
  const sentBefore = await bodyBytesSent();
  const stalled: QuicClient[] = [];
  let pinger: NodeJS.Timeout | undefined;
  try {
    await underAttack(
      target,
      `h3 ${connections * streams} stalled streams of 32 MiB`,
      async () => {
        for (let i = 0; i < connections; i++) {
          const c = await QuicClient.connect(target.ports.tls!);
          stalled.push(c);
          for (let s = 0; s < streams; s++) c.send(4 * s, getRequest('/big.bin'), true);
        }
        pinger = setInterval(() => stalled.forEach((c) => c.ping()), 500);
        await sleep(4000); // past the idle timeout: the PINGs keep the connections open
        // Counted as each request reaches the core; a request packet lost to a full UDP buffer (the
        // server is pushing 5 MiB meanwhile) comes with the client's retransmission, so the count is
        // read until it is reached or 3 s more have passed. A shortfall names each connection's state.
        const inflight = await eventually(() => target.metric('http_active_requests', { protocol: 'h3' }), (n) => n === connections * streams, 3000);
        assert.equal(inflight, connections * streams, `every stalled request is in flight; connections: ${JSON.stringify(stalled.map(state))}`);
        assert.ok(stalled.every((c) => c.conn.peerError() === null && !c.conn.isClosed()), 'the connections are open');
      },
      { protocols: ['h3', 'h1'] },
    );
  } finally {
    clearInterval(pinger);
    stalled.forEach((c) => c.close());
  }
  assert.equal(await settledH3Requests(target.h1, 5000), 0, 'the requests ended with their connections');
  const sent = (await bodyBytesSent()) - sentBefore;
  console.log(`h3 never-reading streams: ${(sent / MiB).toFixed(2)} MiB of body read for the responses (asked: ${(connections * streams * SIZE) / MiB} MiB)`);
  // Counted as the server reads its file: what the transport took (the client's 1 MiB per connection)
  // plus the chunk each stream holds waiting for credit.
  assert.ok(sent <= connections * (MiB + streams * 128 * 1024), `the server read ${sent} bytes for its responses`);
});

function state(c: QuicClient): Record<string, unknown> {
  const { conn } = c;
  return { established: conn.isEstablished(), closed: conn.isClosed(), timedOut: conn.isTimedOut(), peerError: conn.peerError(), localError: conn.localError(), streamsLeft: conn.peerStreamsLeftBidi() };
}
