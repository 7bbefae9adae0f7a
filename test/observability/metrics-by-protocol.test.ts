// Requests over each protocol move that protocol's counters, histograms and gauges, and no other
// protocol's. Real sockets: undici over HTTP/1.1 and HTTP/2 (TLS + ALPN) against an edge proxying to a
// local origin; /metrics is scraped over plain HTTP/1.1 and parsed strictly.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/start-server.js';
import { sumOf, valueOf, type Family } from './exposition.js';
import { edgeFor, testOrigin, type TestOrigin } from './origin.js';
import { closeAll, eventually, protocolClients, scrape, send, type ProtocolClient } from './support.js';

describe('request metrics by protocol', () => {
  let origin: TestOrigin;
  let s: TestServer;
  const clients = protocolClients();
  before(async () => {
    origin = await testOrigin();
    s = await edgeFor(origin);
  });
  after(async () => {
    await closeAll(clients);
    await s.close();
    await origin.close();
  });

  const series = (protocol: string, method: string, route: string, status: number) => ({ protocol, method, route, status_code: String(status) });
  const delta = (a: Map<string, Family>, b: Map<string, Family>, name: string, labels: Record<string, string>) =>
    valueOf(b, name, labels) - valueOf(a, name, labels);

  for (const c of clients) {
    it(`${c.protocol}: counters, histograms, byte counters and gauges move for protocol="${c.protocol}" only`, async () => {
      const first = await scrape(s.h1);
      const before = first.families;
      for (let i = 0; i < 3; i++) assert.equal((await send(c, s, '/healthz')).status, 200);
      for (let i = 0; i < 2; i++) assert.equal((await send(c, s, '/healthz', { method: 'HEAD' })).status, 200);
      assert.equal((await send(c, s, '/healthz', { method: 'POST' })).status, 405);
      assert.equal((await send(c, s, '/ok')).body, 'hello');
      assert.equal((await send(c, s, '/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '0123456789' })).body, '0123456789');

      // The scrapes' own response bodies count as h1 bytes once their exchanges are over.
      const scraped = Buffer.byteLength(first.text) + (await checkInFlight(c, before));

      const after = (await scrape(s.h1)).families;
      const p = c.protocol;
      assert.equal(delta(before, after, 'http_requests_total', series(p, 'GET', 'healthz', 200)), 3);
      assert.equal(delta(before, after, 'http_requests_total', series(p, 'HEAD', 'healthz', 200)), 2);
      assert.equal(delta(before, after, 'http_requests_total', series(p, 'POST', 'healthz', 405)), 1);
      assert.equal(delta(before, after, 'http_requests_total', series(p, 'GET', 'proxy', 200)), 2);
      assert.equal(delta(before, after, 'http_requests_total', series(p, 'POST', 'proxy', 200)), 1);
      assert.equal(delta(before, after, 'http_request_duration_seconds_count', series(p, 'GET', 'healthz', 200)), 3);
      assert.equal(delta(before, after, 'http_request_duration_seconds_bucket', { ...series(p, 'GET', 'healthz', 200), le: '+Inf' }), 3);
      assert.ok(delta(before, after, 'http_request_duration_seconds_sum', series(p, 'GET', 'proxy', 200)) > 0);
      // Body bytes: 3 × "ok\n", "method not allowed\n", "hello", "done", and the 10-byte echo.
      const scrapes = (protocol: string) => (protocol === 'h1' ? scraped : 0);
      assert.equal(delta(before, after, 'http_response_bytes_total', { protocol: p }), 3 * 3 + 19 + 5 + 4 + 10 + scrapes(p));
      assert.equal(delta(before, after, 'http_request_bytes_total', { protocol: p }), 10);
      // Every exchange above completed: none may count as cut by the client (HTTP/2 streams can close
      // before node reports their writable side finished).
      assert.equal(delta(before, after, 'http_request_errors_total', { protocol: p, reason: 'client_aborted' }), 0);
      assert.equal(delta(before, after, 'rws_upstream_requests_total', { outcome: 'ok' }), 3);
      assert.equal(delta(before, after, 'rws_upstream_request_duration_seconds_count', {}), 3);
      for (const other of clients.filter((o) => o.protocol !== p)) {
        assert.equal(delta(before, after, 'http_requests_total', series(other.protocol, 'GET', 'healthz', 200)), 0);
        assert.equal(delta(before, after, 'http_response_bytes_total', { protocol: other.protocol }), scrapes(other.protocol));
        assert.equal(delta(before, after, 'http_request_bytes_total', { protocol: other.protocol }), 0);
      }
      // The protocol label never carries anything but the known protocols.
      const labels = new Set(after.get('http_requests_total')!.samples.map((x) => x.labels.protocol));
      for (const l of labels) assert.ok(clients.some((o) => o.protocol === l), `unexpected protocol ${l}`);
    });
  }

  // While one proxied request is held by the origin, http_active_requests for the protocol is one more
  // than without it, and at least one connection of the protocol is open; then it finishes.
  // Returns the bytes of the scrapes it made.
  async function checkInFlight(c: ProtocolClient, baseline: Map<string, Family>): Promise<number> {
    const p = c.protocol;
    const idleScrape = await scrape(s.h1);
    const idle = idleScrape.families;
    const pending = send(c, s, '/slow');
    await eventually(async () => origin.held(), (n) => n === 1);
    const busyScrape = await scrape(s.h1);
    const busy = busyScrape.families;
    assert.equal(valueOf(busy, 'http_active_requests', { protocol: p }) - valueOf(idle, 'http_active_requests', { protocol: p }), 1);
    assert.ok(valueOf(busy, 'http_active_connections', { protocol: p }) >= 1);
    assert.ok(sumOf(baseline, 'http_active_requests') >= 1, 'the scrape itself is in flight');
    origin.release();
    assert.equal((await pending).body, 'done');
    return Buffer.byteLength(idleScrape.text) + Buffer.byteLength(busyScrape.text);
  }

  it('active connection gauges fall back once the clients close their connections', async () => {
    await closeAll(clients);
    const settled = await eventually(
      async () => (await scrape(s.h1)).families,
      (f) => clients.every((c) => valueOf(f, 'http_active_connections', { protocol: c.protocol }) === (c.protocol === 'h1' ? 1 : 0)),
    );
    for (const c of clients) {
      // Only the scrape's own HTTP/1.1 connection is left.
      assert.equal(valueOf(settled, 'http_active_connections', { protocol: c.protocol }), c.protocol === 'h1' ? 1 : 0, c.protocol);
      assert.equal(valueOf(settled, 'http_active_requests', { protocol: c.protocol }), c.protocol === 'h1' ? 1 : 0, c.protocol);
    }
  });
});
