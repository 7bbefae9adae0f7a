// Clients choose paths, methods and request ids; none of them may choose how many series exist. After a
// warm-up that creates the few legitimate series, a thousand random requests add none.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { startServer, type TestServer } from '../support/start-server.js';
import { ownSeries, scrape } from './support.js';

describe('series cardinality', () => {
  let s: TestServer;
  const agent = new Agent({ connections: 8 });
  before(async () => (s = await startServer()));
  after(async () => {
    await agent.destroy();
    await s.close();
  });

  // Methods node's parser accepts but the metrics do not name (they fold into OTHER).
  const exotic = ['PROPFIND', 'PURGE', 'MKCOL', 'LOCK'];
  const methods = ['GET', 'HEAD', ...exotic];
  const segments: string[] = [];
  const hit = async (i: number) => {
    const segment = randomBytes(6).toString('hex');
    segments.push(segment);
    const r = await request(`${s.h1}/${segment}/${randomBytes(3).toString('base64url')}?q=${randomBytes(4).toString('hex')}`, {
      method: methods[i % methods.length] as 'GET',
      headers: { 'x-request-id': randomBytes(8).toString('hex'), 'user-agent': randomBytes(8).toString('hex') },
      dispatcher: agent,
    });
    await r.body.dump();
    return r.statusCode;
  };

  it('1000 random paths, methods and request ids do not grow the number of series', async () => {
    for (let i = 0; i < methods.length * 2; i++) await hit(i);
    // Two scrapes: the first creates the series of the /metrics route itself.
    await scrape(s.h1);
    const baseline = ownSeries((await scrape(s.h1)).families);
    for (let i = 0; i < 1000; i += 10) await Promise.all(Array.from({ length: 10 }, (_, j) => hit(i + j)));
    const after = await scrape(s.h1);
    assert.equal(ownSeries(after.families), baseline);
    const labels = after.families.get('http_requests_total')!.samples.map((x) => x.labels);
    assert.ok(labels.some((l) => l.method === 'OTHER'));
    assert.ok(!labels.some((l) => exotic.includes(l.method!)));
    for (const seg of segments) assert.ok(!after.text.includes(seg), `path segment ${seg} in the exposition`);
  });
});
