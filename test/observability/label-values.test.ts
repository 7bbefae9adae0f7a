// The label values the code emits are the ones docs/metrics.md lists: a CORS preflight counts under
// route="preflight", a 405 under the route of what it refused, and every QUIC drop reason the driver
// can report is exposed at 0 from the start and documented.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/package-root.js';
import { ROUTES } from '../../src/core/observability/labels.js';
import { QUIC_DROP_REASONS } from '../../src/core/observability/request-stats.js';
import type { QuicDropReason } from '../../src/h3/quic/engine.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { valueOf, type Family } from './exposition.js';
import { closeAll, protocolClients, scrape, send } from './support.js';

// Every QuicDropReason, checked by the compiler: a reason added to the type fails to build until it is
// listed here, and then the tests below want it pre-exposed and documented.
const DROP_REASONS: Record<QuicDropReason, true> = {
  malformed: true,
  unknown_connection: true,
  small_initial: true,
  unsupported_version: true,
  invalid_token: true,
  connection_limit: true,
  not_accepting: true,
  accept_failed: true,
  invalid_initial: true,
  rate_limited: true,
};

const doc = readFileSync(join(packageRoot, 'docs', 'metrics.md'), 'utf8');

/**
 * The back-quoted values in the last cell of the docs/metrics.md table row that starts with `start`,
 * between the first `from` and the first `until` after it.
 */
function documented(start: string, from: string, until?: string): string[] {
  const row = doc.split('\n').find((l) => l.startsWith(start));
  assert.ok(row !== undefined, `a row starting ${start} in docs/metrics.md`);
  let cell = row.split(' | ').at(-1)!;
  cell = cell.slice(cell.indexOf(from));
  if (until !== undefined) cell = cell.slice(0, cell.indexOf(until));
  return [...cell.matchAll(/`([a-z_0-9]+)`/g)].map((m) => m[1]!);
}

describe('route label values', () => {
  let s: TestServer;
  const clients = protocolClients();
  before(async () => {
    const root = mkdtempSync(join(tmpdir(), 'rws-labels-'));
    writeFileSync(join(root, 'a.txt'), 'a\n');
    s = await startServer({ RWS_CONFIG_ROOT: root, RWS_CONFIG_CORS_ALLOW_ORIGINS: 'https://app.example' });
  });
  after(async () => {
    await closeAll(clients);
    await s.close();
  });

  const requests = (f: Map<string, Family>, protocol: string, method: string, route: string, status: number) =>
    valueOf(f, 'http_requests_total', { protocol, method, route, status_code: String(status) });

  for (const c of clients) {
    it(`${c.protocol}: a CORS preflight counts under route="preflight", a 405 on a file under route="static"`, async () => {
      const p = c.protocol;
      const before = (await scrape(s.h1)).families;
      const preflight = await send(c, s, '/a.txt', {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
      assert.equal((await send(c, s, '/a.txt', { method: 'POST', body: 'x' })).status, 405);
      const after = (await scrape(s.h1)).families;
      assert.equal(requests(after, p, 'OPTIONS', 'preflight', 204) - requests(before, p, 'OPTIONS', 'preflight', 204), 1);
      assert.equal(requests(after, p, 'OPTIONS', 'other', 204) - requests(before, p, 'OPTIONS', 'other', 204), 0);
      assert.equal(requests(after, p, 'POST', 'static', 405) - requests(before, p, 'POST', 'static', 405), 1);
    });
  }

  it('docs/metrics.md lists exactly the route values the metrics know', () => {
    assert.deepEqual(documented('| `route` |', 'route template', 'A 405').sort(), [...ROUTES].sort());
  });
});

describe('QUIC drop reasons', () => {
  it('the pre-exposed list is every reason the QUIC driver reports', () => {
    assert.deepEqual([...QUIC_DROP_REASONS].sort(), Object.keys(DROP_REASONS).sort());
  });

  it('docs/metrics.md lists every one of them', () => {
    assert.deepEqual(documented('| `rws_quic_packets_dropped_total` |', 'dropped by').sort(), Object.keys(DROP_REASONS).sort());
  });

  it('a fresh server exposes every one of them at 0', async () => {
    const s = await startServer({ RWS_CONFIG_H3: 'off' });
    try {
      const { families } = await scrape(s.h1);
      const samples = families.get('rws_quic_packets_dropped_total')!.samples;
      for (const reason of Object.keys(DROP_REASONS)) {
        assert.ok(samples.some((x) => x.labels.reason === reason), `reason="${reason}" exposed`);
        assert.equal(valueOf(families, 'rws_quic_packets_dropped_total', { reason }), 0, reason);
      }
    } finally {
      await s.close();
    }
  });
});
