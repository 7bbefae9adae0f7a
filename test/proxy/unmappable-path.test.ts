// A path the static side cannot map to a file (an encoded slash or backslash, NUL, an invalid
// encoding) is no reason to refuse a request when an origin is configured: APIs put %2F in path
// segments. Such a path goes to the origin exactly as sent. Dot-segments are still refused, by the
// proxy too, so no file outside the root is read and no request climbs above the upstream URL's path.
// Without an upstream all of these stay 400.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../support/start-server.js';
import { clients, stopAll, startEdge, startOrigin, type Client, type Origin } from './support.js';

const SECRET = 'SECRET-BESIDE-THE-ROOT';

// Sent verbatim (undici's request({ origin, path }) does not normalise) and received verbatim.
const forwarded = [
  '/api/items/a%2Fb',
  '/api/items/a%2fb/c?q=%2F',
  '/api/a%5Cb',
  '/api/a\\b',
  '/api/%00',
  '/api/%ZZ',
  '/api/%c0%ae%c0%ae',
  '/hello.txt%2Fx',
  '/api/x?next=/../y',
];

// Dot-segments, raw or encoded, with "/", "\", %2F or %5C around them.
const refused = [
  '/../secret.txt',
  '/api/../../secret.txt',
  '/%2e%2e/secret.txt',
  '/.%2E/secret.txt',
  '/..%2fsecret.txt',
  '/api/..%5c..%5csecret.txt',
  '/..\\secret.txt',
  '/api/./x',
  '/api/..',
  '/api/..?x=1',
];

describe('paths the static side cannot map', () => {
  let origin: Origin;
  let edge: TestServer;
  let prefixed: TestServer;
  let plain: TestServer;
  let seen: string[] = [];
  const list = clients();
  const parent = mkdtempSync(join(tmpdir(), 'rws-unmappable-'));
  const root = join(parent, 'root');

  before(async () => {
    mkdirSync(root);
    writeFileSync(join(root, 'hello.txt'), 'static hello');
    writeFileSync(join(parent, 'secret.txt'), SECRET);
    origin = await startOrigin((req, res) => {
      seen.push(req.url!);
      res.end('origin');
    });
    edge = await startEdge(origin.url, { RWS_CONFIG_ROOT: root });
    prefixed = await startEdge(`${origin.url}/base/`, { RWS_CONFIG_ROOT: root });
    plain = await startServer({ RWS_CONFIG_ROOT: root });
  });
  after(async () => {
    await stopAll(list, [edge, prefixed, plain], origin);
    rmSync(parent, { recursive: true, force: true });
  });

  for (const c of list) {
    it(`${c.name}: reach the origin with the target exactly as sent`, async () => {
      for (const path of forwarded) {
        seen = [];
        const r = await get(c, edge, path);
        assert.equal(r.status, 200, path);
        assert.equal(r.body, 'origin', path);
        assert.deepEqual(seen, [path]);
      }
    });

    it(`${c.name}: dot-segments are 400 and reach neither a file nor the origin`, async () => {
      seen = [];
      for (const server of [edge, prefixed]) {
        for (const path of refused) {
          const r = await get(c, server, path);
          assert.equal(r.status, 400, path);
          assert.ok(!r.body.includes(SECRET), `${path} read a file beside the root`);
        }
      }
      assert.deepEqual(seen, []);
    });

    it(`${c.name}: files are still served, and without an upstream these paths are 400`, async () => {
      seen = [];
      const file = await get(c, edge, '/hello.txt');
      assert.equal(file.body, 'static hello');
      assert.deepEqual(seen, []);
      for (const path of [...forwarded.filter((p) => !p.includes('?next')), ...refused]) {
        const r = await get(c, plain, path);
        assert.equal(r.status, 400, path);
        assert.ok(!r.body.includes(SECRET), path);
      }
    });
  }

  it('the upstream URL path prefixes an encoded slash, as sent', async () => {
    seen = [];
    const r = await get(list[0]!, prefixed, '/api/items/a%2Fb?x=1');
    assert.equal(r.status, 200);
    assert.deepEqual(seen, ['/base/api/items/a%2Fb?x=1']);
  });
});

async function get(c: Client, server: TestServer, path: string): Promise<{ status: number; body: string }> {
  const r = await c.dispatcher.request({ origin: c.base(server), path, method: 'GET' });
  return { status: r.statusCode, body: await r.body.text() };
}
