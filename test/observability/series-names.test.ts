// The series /metrics exposes are an interface (dashboards, alerts, docs/metrics.md): their names, types
// and label names are pinned here, so a change to any of them is a deliberate edit of this list.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/package-root.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { sumOf, valueOf } from './exposition.js';
import { closeAll, protocolClients, scrape, send } from './support.js';

const request = ['protocol', 'method', 'route', 'status_code'];
const PINNED: Record<string, { type: string; labels: string[] }> = {
  http_requests_total: { type: 'counter', labels: request },
  http_request_duration_seconds: { type: 'histogram', labels: request },
  http_request_errors_total: { type: 'counter', labels: ['protocol', 'reason'] },
  http_active_connections: { type: 'gauge', labels: ['protocol'] },
  http_active_requests: { type: 'gauge', labels: ['protocol'] },
  http_request_bytes_total: { type: 'counter', labels: ['protocol'] },
  http_response_bytes_total: { type: 'counter', labels: ['protocol'] },
  rws_ready: { type: 'gauge', labels: [] },
  rws_draining: { type: 'gauge', labels: [] },
  rws_upstream_requests_total: { type: 'counter', labels: ['outcome'] },
  rws_upstream_request_duration_seconds: { type: 'histogram', labels: [] },
  rws_open_tunnels: { type: 'gauge', labels: [] },
  rws_quic_handshakes_total: { type: 'counter', labels: [] },
  rws_quic_retry_sent_total: { type: 'counter', labels: [] },
  rws_quic_packets_dropped_total: { type: 'counter', labels: ['reason'] },
  rws_quic_connections_closed_total: { type: 'counter', labels: ['code'] },
  rws_connections_cut_total: { type: 'counter', labels: ['protocol', 'reason'] },
  rws_tls_certificate_expiry_timestamp_seconds: { type: 'gauge', labels: [] },
  rws_tls_certificate_reloads_total: { type: 'counter', labels: ['result'] },
};

describe('pinned series', () => {
  let s: TestServer;
  before(async () => (s = await startServer()));
  after(() => s.close());

  it('exposes exactly the pinned http_* and rws_* series, with their types and label names', async () => {
    const clients = protocolClients();
    for (const c of clients) await send(c, s, '/healthz');
    await closeAll(clients);
    const { families } = await scrape(s.h1);
    const own = [...families.values()].filter((f) => /^(http|rws)_/.test(f.name));
    assert.deepEqual(own.map((f) => f.name).sort(), Object.keys(PINNED).sort());
    for (const f of own) {
      const pin = PINNED[f.name]!;
      assert.equal(f.type, pin.type, f.name);
      assert.ok(f.help.length > 0, `${f.name} has help`);
      assert.ok(f.samples.length > 0, `${f.name} has samples`);
      for (const sample of f.samples) {
        const names = Object.keys(sample.labels).filter((l) => l !== 'le');
        assert.deepEqual(names.sort(), [...pin.labels].sort(), `${sample.name} ${JSON.stringify(sample.labels)}`);
      }
    }
  });

  it('includes the runtime series, event-loop lag among them', async () => {
    const { families } = await scrape(s.h1);
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) {
      assert.ok(families.has(name), name);
    }
  });

  it('QUIC events count under bounded labels: unknown or malformed values fold into "other"', async () => {
    const before = (await scrape(s.h1)).families;
    const o = s.server.observer;
    o.quicEvent('handshake');
    o.quicEvent('retry_sent');
    o.quicEvent('packet_dropped', 'malformed');
    o.quicEvent('packet_dropped', 'not a label value {"}');
    o.quicEvent('connection_closed', 'H3_NO_ERROR');
    for (let i = 0; i < 200; i++) o.quicEvent('connection_closed', `0x${(0x1000 + i).toString(16)}`);
    const { families } = await scrape(s.h1);
    const delta = (name: string, labels: Record<string, string> = {}) => valueOf(families, name, labels) - valueOf(before, name, labels);
    assert.equal(delta('rws_quic_handshakes_total'), 1);
    assert.equal(delta('rws_quic_retry_sent_total'), 1);
    assert.equal(delta('rws_quic_packets_dropped_total', { reason: 'malformed' }), 1);
    assert.equal(delta('rws_quic_packets_dropped_total', { reason: 'other' }), 1);
    assert.equal(delta('rws_quic_connections_closed_total', { code: 'H3_NO_ERROR' }), 1);
    const codes = families.get('rws_quic_connections_closed_total')!.samples;
    assert.ok(codes.length <= 65, `${codes.length} close-code series`);
    assert.equal(sumOf(families, 'rws_quic_connections_closed_total') - sumOf(before, 'rws_quic_connections_closed_total'), 201);
    assert.ok(delta('rws_quic_connections_closed_total', { code: 'other' }) > 0);
  });

  it('without TLS there is no certificate, and no rws_tls_* series', async () => {
    const plain = await startServer({ RWS_CONFIG_TLS: 'off' });
    try {
      const { families } = await scrape(plain.h1);
      assert.ok(families.has('rws_ready'));
      assert.deepEqual([...families.keys()].filter((n) => n.startsWith('rws_tls_')), []);
    } finally {
      await plain.close();
    }
  });

  it('docs/metrics.md documents every pinned series', () => {
    const doc = readFileSync(join(packageRoot, 'docs', 'metrics.md'), 'utf8');
    for (const [name, pin] of Object.entries(PINNED)) {
      assert.ok(doc.includes(`\`${name}\``), `${name} in docs/metrics.md`);
      for (const l of pin.labels) assert.ok(doc.includes(`\`${l}\``), `label ${l} in docs/metrics.md`);
    }
  });
});
