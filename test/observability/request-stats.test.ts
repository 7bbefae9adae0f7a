// RequestStats finds a request's series by its labels packed into one small integer (protocol, method,
// route and status in fixed bit fields). Whatever the order of statuses, methods, routes and protocols,
// each request must land in the series of its own labels, once: a field that overflowed into its
// neighbour would merge or split series.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreResponse, Protocol } from '../../src/core/contract.js';
import { METHODS, ROUTES, type Route } from '../../src/core/observability/labels.js';
import { RequestStats } from '../../src/core/observability/request-stats.js';

const end = { bytesSent: 0, bytesReceived: 0, aborted: false };

function response(status: number, route: Route): CoreResponse {
  return { status, headers: {}, body: { kind: 'empty' }, route };
}

/** Counts per label set, as /metrics would expose them. */
function counts(stats: RequestStats): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of stats.series.values()) {
    const { protocol, method, route, status_code } = s.labels;
    out.set(`${protocol} ${method} ${route} ${status_code}`, s.count);
  }
  return out;
}

describe('request series', () => {
  it('alternating statuses on one route each count in their own series', () => {
    const stats = new RequestStats();
    const statuses = [200, 304, 200, 200, 404, 304, 200, 206, 206, 200];
    for (const status of statuses) stats.requestFinished('h1', 'GET', response(status, 'static'), end, 1);
    assert.deepEqual(
      counts(stats),
      new Map([
        ['h1 GET static 200', 5],
        ['h1 GET static 304', 2],
        ['h1 GET static 404', 1],
        ['h1 GET static 206', 2],
      ]),
    );
  });

  it('interleaved protocols, methods, routes and statuses match a plain tally', () => {
    const stats = new RequestStats();
    const protocols: Protocol[] = ['h1', 'h2', 'h3'];
    const methods = [...METHODS.filter((m) => m !== 'OTHER'), 'PROPFIND'];
    const routes = ROUTES;
    // Every bit of the 10-bit status field, and values that fold into "other".
    const statuses = [100, 101, 200, 204, 256, 304, 404, 500, 511, 512, 768, 999, 0, 1000];
    const expected = new Map<string, number>();
    // A fixed pseudo-random walk so a failure can be replayed: a 32-bit LCG in integer arithmetic (a
    // product in doubles loses its low bits and cycles early), its high bits used (the low ones repeat
    // with short periods). 50k steps reach all 5040 combinations.
    let x = 12345;
    const next = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 16) % n;
    };
    for (let i = 0; i < 50000; i++) {
      const p = protocols[next(protocols.length)]!;
      const m = methods[next(methods.length)]!;
      const r = routes[next(routes.length)]!;
      const s = statuses[next(statuses.length)]!;
      stats.requestFinished(p, m, response(s, r), end, 1);
      // Exotic methods fold into OTHER, and a status without three digits into "other" (labels.ts).
      const key = `${p} ${m === 'PROPFIND' ? 'OTHER' : m} ${r} ${s >= 100 && s <= 999 ? s : 'other'}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    assert.deepEqual(counts(stats), expected);
  });
});
