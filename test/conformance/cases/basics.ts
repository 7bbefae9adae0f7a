// Files, indexes, clean URLs, 404 and 405, health endpoints.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Case, expectFile, expectStatus, get, head } from '../case.js';

/** A case asserting that each target serves exactly the fixture file named beside it. */
function serves(name: string, targets: Record<string, string>): Case {
  return {
    name,
    async run(d, ctx) {
      for (const [target, rel] of Object.entries(targets)) await expectFile(await get(d, target), ctx, rel);
    },
  };
}

export const basicCases: Case[] = [
  serves('the query string is ignored', { '/hello.txt?v=123&x=%2e%2e': 'hello.txt' }),
  serves('percent-encoded names (space, UTF-8) are decoded once', { '/hello%20world.txt': 'hello world.txt', '/%C3%BCn%C3%AF.txt': 'ünï.txt' }),
  serves('/ serves index.html', { '/': 'index.html' }),
  serves('a directory with its slash serves its index.html', { '/docs/': 'docs/index.html' }),
  serves('/page serves page.html when page does not exist', { '/page': 'page.html', '/page.html': 'page.html' }),
  serves('/.well-known/ is served (RFC 8615); other dotfiles are not', { '/.well-known/security.txt': '.well-known/security.txt' }),
  serves('a symlink that stays inside the root is served', { '/inner-link.txt': 'hello.txt' }),
  {
    name: 'GET a file: 200 with type, length, validators and Accept-Ranges',
    async run(d, ctx) {
      const res = await get(d, '/hello.txt');
      await expectFile(res, ctx, 'hello.txt');
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(res.headers['content-length'], '13');
      assert.match(res.headers.etag ?? '', /^"[0-9a-f]+-[0-9a-f]+"$/);
      const mtime = (await stat(join(ctx.site.root, 'hello.txt'))).mtime;
      assert.equal(res.headers['last-modified'], new Date(Math.floor(mtime.getTime() / 1000) * 1000).toUTCString());
      assert.equal(res.headers['accept-ranges'], 'bytes');
    },
  },
  {
    name: 'HEAD: the GET headers, no body',
    async run(d) {
      const [g, h] = [await get(d, '/hello.txt'), await head(d, '/hello.txt')];
      expectStatus(h, 200);
      assert.equal(h.body.length, 0);
      for (const k of ['content-type', 'content-length', 'etag', 'last-modified', 'accept-ranges', 'cache-control']) {
        assert.equal(h.headers[k], g.headers[k], k);
      }
    },
  },
  {
    name: 'Content-Type from the extension, charset on text, JS and JSON',
    async run(d) {
      const want: Record<string, string> = {
        '/data.json': 'application/json; charset=utf-8',
        '/app.js': 'text/javascript; charset=utf-8',
        '/style.css': 'text/css; charset=utf-8',
        '/index.html': 'text/html; charset=utf-8',
        '/pixel.png': 'image/png',
      };
      for (const [path, type] of Object.entries(want)) assert.equal((await head(d, path)).headers['content-type'], type, path);
    },
  },
  {
    name: 'a directory without its slash redirects 301 to it, keeping the query',
    async run(d) {
      const res = await get(d, '/docs');
      expectStatus(res, 301);
      assert.equal(res.headers.location, '/docs/');
      assert.equal((await get(d, '/docs?a=1')).headers.location, '/docs/?a=1');
      // Merged slashes: the Location can never start with // (an open redirect to another host).
      assert.equal((await get(d, '//docs')).headers.location, '/docs/');
    },
  },
  {
    name: 'missing file: 404 with the root 404.html as body',
    async run(d, ctx) {
      const res = await get(d, '/no-such-file.txt');
      expectStatus(res, 404);
      assert.deepEqual(res.body, await ctx.site.file('404.html'));
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      const h = await head(d, '/no-such-file.txt');
      expectStatus(h, 404);
      assert.equal(h.body.length, 0);
    },
  },
  {
    name: 'a directory without index is 404; a file with a trailing slash is 404',
    async run(d) {
      expectStatus(await get(d, '/noindex/'), 404);
      expectStatus(await get(d, '/noindex'), 404);
      expectStatus(await get(d, '/hello.txt/'), 404);
    },
  },
  {
    name: 'another method on a file: 405 with Allow',
    async run(d) {
      const post = await d.request({ method: 'POST', path: '/hello.txt', body: Buffer.from('x=1') });
      expectStatus(post, 405);
      assert.equal(post.headers.allow, 'GET, HEAD, OPTIONS'); // the conformance server has CORS on
      expectStatus(await d.request({ method: 'DELETE', path: '/hello.txt' }), 405);
    },
  },
  {
    name: 'OPTIONS that is not a preflight: 204 with Allow (CORS on)',
    async run(d) {
      const res = await d.request({ method: 'OPTIONS', path: '/hello.txt' });
      expectStatus(res, 204);
      assert.equal(res.headers.allow, 'GET, HEAD, OPTIONS');
    },
  },
  {
    name: '/healthz and /readyz',
    async run(d) {
      const h = await get(d, '/healthz');
      expectStatus(h, 200);
      assert.equal(h.body.toString(), 'ok\n');
      const r = await get(d, '/readyz');
      expectStatus(r, 200);
      assert.equal(r.body.toString(), 'ready\n');
      expectStatus(await head(d, '/healthz'), 200);
    },
  },
];
