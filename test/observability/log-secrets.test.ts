// Credentials never reach the logs: Authorization, Proxy-Authorization and Cookie sent over every
// protocol, and an origin's Set-Cookie, at debug level in both formats, including requests that make the
// edge log warnings. The secrets are checked to have really passed through (the origin saw them, the
// client got the Set-Cookie), and event redaction is checked directly.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redact } from '../../src/core/observability/event-fields.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { testOrigin, type TestOrigin } from './origin.js';
import { closeAll, eventually, protocolClients, readyPorts, send } from './support.js';

const secret = (): string => `S3CR3T${randomBytes(8).toString('hex')}`;

for (const format of ['json', 'text'] as const) {
  describe(`no credentials in the ${format} log`, () => {
    const cookieSecret = secret();
    let origin: TestOrigin;
    let p: ServerProcess;
    const seen: string[] = [];
    before(async () => {
      origin = await testOrigin(cookieSecret);
      origin.server.prependListener('request', (req) => seen.push(JSON.stringify(req.headers)));
      p = await spawnServer({
        RWS_CONFIG_UPSTREAM: origin.url,
        RWS_CONFIG_ROOT: mkdtempSync(join(tmpdir(), 'rws-obs-')),
        RWS_CONFIG_LOG_LEVEL: 'debug',
        RWS_CONFIG_LOG_FORMAT: format,
      }, [], { waitReady: false });
      await readyPorts(p);
    });
    after(async () => {
      p.kill();
      await p.exited;
      await origin.close();
    });

    it('over every protocol, proxied, local and failing requests', async () => {
      const clients = protocolClients();
      const secrets = [cookieSecret];
      for (const c of clients) {
        const auth = secret();
        const cookie = secret();
        const proxyAuth = secret();
        secrets.push(auth, cookie, proxyAuth);
        const headers = { authorization: `Bearer ${auth}`, cookie: `sid=${cookie}; theme=dark`, 'proxy-authorization': `Basic ${proxyAuth}` };
        const r = await send(c, p, '/cookie', { headers });
        assert.match(String(r.headers['set-cookie']), new RegExp(cookieSecret), 'the client got the Set-Cookie');
        assert.ok(seen.some((h) => h.includes(auth) && h.includes(cookie)), 'the origin got the credentials');
        assert.equal((await send(c, p, '/reset', { headers })).status, 502);
        assert.equal((await send(c, p, '/healthz', { headers })).status, 200);
        assert.equal((await send(c, p, '/nope', { headers, method: 'DELETE' })).status, 200);
      }
      await closeAll(clients);
      await eventually(async () => p.lines.filter((l) => /\/healthz/.test(l)).length, (n) => n >= clients.length);
      assert.ok(p.lines.some((l) => /upstream request failed/.test(l)), 'a warning was logged');
      p.kill('SIGTERM');
      await p.exited;
      const output = p.lines.join('\n') + p.stderr();
      for (const s of secrets) assert.ok(!output.includes(s), `secret ${s} in the log`);
    });
  });
}

describe('event redaction', () => {
  it('masks credential fields at any depth and keeps the rest', () => {
    const fields = {
      authorization: 'Bearer a',
      Cookie: 'c',
      headers: { 'set-cookie': ['s'], 'Proxy-Authorization': 'p', host: 'h' },
      nested: { deeper: { cookie: 'x', keep: 1 } },
      path: '/p',
    };
    assert.deepEqual(redact(fields), {
      authorization: '[redacted]',
      Cookie: '[redacted]',
      headers: { 'set-cookie': '[redacted]', 'Proxy-Authorization': '[redacted]', host: 'h' },
      nested: { deeper: { cookie: '[redacted]', keep: 1 } },
      path: '/p',
    });
    assert.equal(fields.authorization, 'Bearer a', 'the caller\'s object is untouched');
  });

  it('walks arrays and deep nesting; what lies deeper than the bound is replaced, never logged as is', () => {
    // Eight levels below the top are walked: the cookie at the eighth is masked.
    let deep: Record<string, unknown> = { cookie: 'deep-secret', keep: 1 };
    for (let i = 0; i < 7; i++) deep = { d: deep };
    const got = redact({ a: deep, list: [{ authorization: 'in-array' }, ['x', { 'set-cookie': 'nested-array' }]] });
    let at = got.a as Record<string, unknown>;
    for (let i = 0; i < 7; i++) at = at.d as Record<string, unknown>;
    assert.deepEqual(at, { cookie: '[redacted]', keep: 1 });
    assert.deepEqual(got.list, [{ authorization: '[redacted]' }, ['x', { 'set-cookie': '[redacted]' }]]);

    // One level more, and a cycle: cut at the bound.
    const tooDeep = redact({ a: { d: deep } });
    assert.ok(!JSON.stringify(tooDeep).includes('deep-secret'), JSON.stringify(tooDeep));
    assert.ok(JSON.stringify(tooDeep).includes('[too deep]'));
    const cycle: Record<string, unknown> = { authorization: 'cyclic-secret' };
    cycle.self = cycle;
    const cut = JSON.stringify(redact({ cycle }));
    assert.ok(!cut.includes('cyclic-secret') && cut.includes('[too deep]'), cut);
  });
});
