// http_request_errors_total counts each failed request once, by its most specific reason, for the
// protocol it came over; rws_upstream_requests_total counts the origin's side of the same failures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestServer } from '../support/start-server.js';
import { valueOf, type Family } from './exposition.js';
import { edgeFor, testOrigin, type TestOrigin } from './origin.js';
import { closeAll, eventually, protocolClients, scrape, send, type ProtocolClient } from './support.js';

describe('request error reasons', () => {
  let origin: TestOrigin;
  let s: TestServer;
  const clients = protocolClients();
  before(async () => {
    origin = await testOrigin();
    // A short QUIC idle timeout: a killed HTTP/3 client sends nothing, so the edge learns it left that way.
    // It must outlast the wait for the 504 (the upstream timeout, 1 s, fires ~0.5 s late): curl sends
    // nothing while it waits, and a shorter idle timeout closes its connection first (a CI run saw
    // ERR_IDLE_CLOSE when the timeout was 200 ms, which undici fires at ~1 s, against a 1 s idle timeout).
    s = await edgeFor(origin, { RWS_CONFIG_UPSTREAM_TIMEOUT_MS: '1000', RWS_CONFIG_H3_IDLE_TIMEOUT_MS: '3000' });
  });
  after(async () => {
    await closeAll(clients);
    await s.close();
    await origin.close();
  });

  const reasons = ['5xx', 'upstream_error', 'upstream_timeout', 'client_aborted'];
  const errors = (f: Map<string, Family>, protocol: string, reason: string) => valueOf(f, 'http_request_errors_total', { protocol, reason });
  const upstream = (f: Map<string, Family>, outcome: string) => valueOf(f, 'rws_upstream_requests_total', { outcome });

  /** Asserts the error deltas of `p` (and none for the other protocols) and the upstream outcome deltas. */
  function expectDeltas(before: Map<string, Family>, after: Map<string, Family>, p: string, want: Record<string, number>, outcomes: Record<string, number>): void {
    for (const c of clients) {
      for (const r of reasons) {
        const expected = c.protocol === p ? (want[r] ?? 0) : 0;
        assert.equal(errors(after, c.protocol, r) - errors(before, c.protocol, r), expected, `${c.protocol} ${r}`);
      }
    }
    for (const o of ['ok', 'error', 'timeout', 'aborted']) assert.equal(upstream(after, o) - upstream(before, o), outcomes[o] ?? 0, `upstream ${o}`);
  }

  for (const c of clients) {
    it(`${c.protocol}: an origin 500 is 5xx, a reset upstream_error, no headers in time upstream_timeout`, async () => {
      const before = (await scrape(s.h1)).families;
      assert.equal((await send(c, s, '/fail')).status, 500);
      assert.equal((await send(c, s, '/reset')).status, 502);
      assert.equal((await send(c, s, '/hang')).status, 504);
      const after = (await scrape(s.h1)).families;
      expectDeltas(before, after, c.protocol, { '5xx': 1, upstream_error: 1, upstream_timeout: 1 }, { ok: 1, error: 1, timeout: 1 });
    });

    it(`${c.protocol}: a client that leaves in the middle of the body is client_aborted`, async () => {
      const before = (await scrape(s.h1)).families;
      const got = await leaveEarly(c, '/trickle');
      assert.equal(got, 'left');
      const after = await eventually(
        async () => (await scrape(s.h1)).families,
        (f) => errors(f, c.protocol, 'client_aborted') > errors(before, c.protocol, 'client_aborted'),
        8000,
      );
      expectDeltas(before, after, c.protocol, { client_aborted: 1 }, { ok: 1 });
    });
  }

  // The edge notices the client leaving while the origin has not answered yet: the origin request is
  // cancelled (aborted, not a timeout later) and the exchange still ends once (h3 is left out: curl, when
  // killed, sends nothing, so the edge only learns at the QUIC idle timeout).
  it('a client that leaves before the response headers is client_aborted, and the origin request aborted', async () => {
    for (const c of clients.filter((x) => x.protocol !== 'h3')) {
      const before = (await scrape(s.h1)).families;
      assert.equal(await leaveEarly(c, '/hang'), 'left');
      const after = await eventually(
        async () => (await scrape(s.h1)).families,
        (f) => errors(f, c.protocol, 'client_aborted') > errors(before, c.protocol, 'client_aborted'),
      );
      expectDeltas(before, after, c.protocol, { client_aborted: 1 }, { aborted: 1 });
      assert.equal(valueOf(after, 'http_active_requests', { protocol: c.protocol }), c.protocol === 'h1' ? 1 : 0);
    }
  });

  // Starts a request the origin holds, waits until the origin has it (and, for /trickle, until the body
  // has started), then goes away.
  async function leaveEarly(c: ProtocolClient, path: string): Promise<string> {
    const abort = new AbortController();
    const gone = send(c, s, path, { signal: abort.signal }).then(
      () => 'completed',
      () => 'left',
    );
    await eventually(async () => origin.held(), (n) => n >= 1);
    await sleep(200);
    abort.abort();
    return gone;
  }
});

// /readyz answers 503 while starting and draining by design: counted as a request, never as an error, or
// every rolling update would fire 5xx alerts. Real 5xx answers during the same drain still count.
describe('readiness 503 while draining', () => {
  it('is counted in http_requests_total but not as an error; an origin 500 and a down origin still are', async () => {
    const origin = await testOrigin();
    // A shutdown delay long enough for the requests below: the edge serves normally meanwhile.
    const s = await edgeFor(origin, { RWS_CONFIG_SHUTDOWN_DELAY_MS: '5000' });
    const clients = protocolClients();
    let drained: Promise<unknown> | undefined;
    try {
      const before = (await scrape(s.h1)).families;
      drained = s.server.shutdown.run('test');
      for (const c of clients) assert.equal((await send(c, s, '/readyz')).status, 503, c.protocol);
      const h1 = clients.find((c) => c.protocol === 'h1')!;
      assert.equal((await send(h1, s, '/fail')).status, 500);
      await origin.close();
      assert.equal((await send(h1, s, '/ok')).status, 502);
      const after = (await scrape(s.h1)).families;
      const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
      for (const c of clients) {
        const p = c.protocol;
        assert.equal(delta('http_requests_total', { protocol: p, method: 'GET', route: 'readyz', status_code: '503' }), 1, `${p} readyz 503`);
        assert.equal(delta('http_request_errors_total', { protocol: p, reason: '5xx' }), p === 'h1' ? 1 : 0, `${p} 5xx`);
        assert.equal(delta('http_request_errors_total', { protocol: p, reason: 'upstream_error' }), p === 'h1' ? 1 : 0, `${p} upstream_error`);
      }
    } finally {
      await closeAll(clients);
      await (drained ?? s.close());
      await origin.close();
    }
  });
});
