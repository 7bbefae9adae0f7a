// A scrape is valid Prometheus text exposition, checked by a strict parser; the parser itself is shown
// to reject what Prometheus rejects, so a pass means something.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/start-server.js';
import { parseExposition } from './exposition.js';
import { edgeFor, testOrigin, type TestOrigin } from './origin.js';
import { closeAll, protocolClients, scrape, send } from './support.js';

describe('/metrics exposition', () => {
  let origin: TestOrigin;
  let s: TestServer;
  before(async () => {
    origin = await testOrigin();
    s = await edgeFor(origin);
  });
  after(async () => {
    await s.close();
    await origin.close();
  });

  it('parses strictly after traffic on every protocol, with histograms consistent', async () => {
    const clients = protocolClients();
    for (const c of clients) {
      for (const path of ['/healthz', '/ok', '/fail', '/readyz?x=1']) await send(c, s, path);
      await send(c, s, '/healthz', { method: 'OPTIONS' });
    }
    await closeAll(clients);
    const { families, text } = await scrape(s.h1);
    assert.ok(text.includes('# TYPE http_request_duration_seconds histogram'));
    const durations = families.get('http_request_duration_seconds')!;
    assert.ok(durations.samples.length >= 17 * clients.length, 'one bucket set per label combination');
    // parseExposition has already checked ascending le, cumulative buckets, +Inf = _count and _sum.
    const infs = durations.samples.filter((x) => x.labels.le === '+Inf');
    assert.ok(infs.every((x) => x.value >= 1));
  });

  it('HEAD /metrics has the headers of GET and no body', async () => {
    const { request } = await import('undici');
    const r = await request(`${s.h1}/metrics`, { method: 'HEAD' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(await r.body.text(), '');
  });
});

describe('the strict exposition parser', () => {
  const ok = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1"} 3\n';
  const histogram = (lines: string) => `# TYPE h histogram\n${lines}`;

  it('accepts valid text, escapes, NaN/Inf in Go spelling and timestamps', () => {
    const f = parseExposition(ok + '# TYPE g gauge\ng{l="a\\\\b\\"c\\nd"} NaN 1700000000000\ng{l="y"} +Inf\n');
    assert.equal(f.get('a_total')!.samples[0]!.value, 3);
    assert.equal(f.get('g')!.samples[0]!.labels.l, 'a\\b"c\nd');
    assert.ok(Number.isNaN(f.get('g')!.samples[0]!.value));
    parseExposition(histogram('h_bucket{le="0.1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 0.3\nh_count 2\n'));
  });

  for (const [what, text] of [
    ['no final line feed', ok.slice(0, -1)],
    ['a sample without TYPE or HELP', 'b 1\n'],
    ['a bad metric name', '# TYPE 1a counter\n1a 1\n'],
    ['an unknown escape', '# TYPE g gauge\ng{l="\\t"} 1\n'],
    ['an unquoted label value', '# TYPE g gauge\ng{l=1} 1\n'],
    ['a duplicate series', ok + 'a_total{x="1"} 4\n'],
    ['a split family', ok + '# TYPE g gauge\ng 1\na_total{x="2"} 1\n'],
    ['a TYPE after samples', ok + '# TYPE a_total counter\n'],
    ['a negative counter', '# TYPE c counter\nc -1\n'],
    ['a bad value', '# TYPE g gauge\ng one\n'],
    ['a reserved label name', '# TYPE g gauge\ng{__x="1"} 1\n'],
    ['buckets not cumulative', histogram('h_bucket{le="0.1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 0\nh_count 1\n')],
    ['no +Inf bucket', histogram('h_bucket{le="0.1"} 1\nh_sum 0\nh_count 1\n')],
    ['+Inf different from _count', histogram('h_bucket{le="+Inf"} 2\nh_sum 0\nh_count 1\n')],
    ['le not ascending', histogram('h_bucket{le="1"} 1\nh_bucket{le="0.5"} 1\nh_bucket{le="+Inf"} 1\nh_sum 0\nh_count 1\n')],
  ] as const) {
    it(`rejects ${what}`, () => assert.throws(() => parseExposition(text)));
  }
});
