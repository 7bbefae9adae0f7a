// Content coding: precompressed siblings, on-the-fly brotli/gzip (decompressed and compared), q-values,
// Vary, and distinct ETags per coding.
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { type Case, expectStatus, get, head, lists } from '../case.js';

export const encodingCases: Case[] = [
  {
    name: 'precompressed .br sibling when br is accepted',
    async run(d, ctx) {
      const res = await get(d, '/style.css', { 'accept-encoding': 'gzip, deflate, br' });
      expectStatus(res, 200);
      assert.equal(res.headers['content-encoding'], 'br');
      assert.deepEqual(res.body, await ctx.site.file('style.css.br'));
      assert.equal(res.headers['content-length'], String(res.body.length));
      assert.equal(res.headers['content-type'], 'text/css; charset=utf-8');
      assert.ok(lists(res.headers.vary, 'accept-encoding'));
      const identity = await get(d, '/style.css');
      assert.equal(identity.headers['content-encoding'], undefined);
      assert.deepEqual(identity.body, await ctx.site.file('style.css'));
      assert.notEqual(res.headers.etag, identity.headers.etag);
    },
  },
  {
    name: 'precompressed .gz sibling when only gzip is accepted (or preferred by q)',
    async run(d, ctx) {
      const gz = await ctx.site.file('style.css.gz');
      for (const ae of ['gzip', 'br;q=0.5, gzip', 'gzip;q=1, br;q=0.9']) {
        const res = await get(d, '/style.css', { 'accept-encoding': ae });
        assert.equal(res.headers['content-encoding'], 'gzip', ae);
        assert.deepEqual(res.body, gz, ae);
      }
    },
  },
  {
    name: 'a coding refused with q=0 is not used',
    async run(d, ctx) {
      const res = await get(d, '/style.css', { 'accept-encoding': 'br;q=0, gzip;q=0' });
      assert.equal(res.headers['content-encoding'], undefined);
      assert.deepEqual(res.body, await ctx.site.file('style.css'));
    },
  },
  {
    name: 'on-the-fly brotli and gzip of a text file decompress to the file',
    async run(d, ctx) {
      const original = await ctx.site.file('app.js');
      const br = await get(d, '/app.js', { 'accept-encoding': 'br' });
      expectStatus(br, 200);
      assert.equal(br.headers['content-encoding'], 'br');
      assert.deepEqual(brotliDecompressSync(br.body), original);
      assert.ok(br.body.length < original.length);
      const gz = await get(d, '/app.js', { 'accept-encoding': 'gzip' });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.deepEqual(gunzipSync(gz.body), original);
      // The compressed length is not known up front, and any Content-Length sent must be the real one.
      for (const r of [br, gz]) if (r.headers['content-length'] !== undefined) assert.equal(Number(r.headers['content-length']), r.body.length);
      assert.ok(lists(br.headers.vary, 'accept-encoding'));
    },
  },
  {
    name: 'on-the-fly variants have their own weak ETag, and 304 on it',
    async run(d) {
      const identity = (await head(d, '/app.js')).headers.etag!;
      const br = (await head(d, '/app.js', { 'accept-encoding': 'br' })).headers.etag!;
      const gz = (await head(d, '/app.js', { 'accept-encoding': 'gzip' })).headers.etag!;
      assert.equal(new Set([identity, br, gz]).size, 3);
      assert.ok(br.startsWith('W/'));
      expectStatus(await get(d, '/app.js', { 'accept-encoding': 'br', 'if-none-match': br }), 304);
      expectStatus(await get(d, '/app.js', { 'accept-encoding': 'gzip', 'if-none-match': br }), 200);
    },
  },
  {
    name: 'small files are not compressed on the fly, but still Vary',
    async run(d, ctx) {
      const res = await get(d, '/hello.txt', { 'accept-encoding': 'br, gzip' });
      assert.equal(res.headers['content-encoding'], undefined);
      assert.deepEqual(res.body, await ctx.site.file('hello.txt'));
      assert.ok(lists(res.headers.vary, 'accept-encoding'));
    },
  },
  {
    name: 'a Range request gets identity bytes, not a range of a compressed stream',
    async run(d, ctx) {
      const res = await get(d, '/app.js', { 'accept-encoding': 'br', range: 'bytes=0-9' });
      expectStatus(res, 206);
      assert.equal(res.headers['content-encoding'], undefined);
      assert.deepEqual(res.body, (await ctx.site.file('app.js')).subarray(0, 10));
    },
  },
  {
    name: 'Range on a precompressed sibling: one range is a 206 of its bytes, several the whole 200',
    async run(d, ctx) {
      for (const [ae, coding, rel] of [['br', 'br', 'style.css.br'], ['gzip', 'gzip', 'style.css.gz']] as const) {
        const encoded = await ctx.site.file(rel);
        const one = await get(d, '/style.css', { 'accept-encoding': ae, range: 'bytes=0-9' });
        expectStatus(one, 206);
        assert.equal(one.headers['content-encoding'], coding);
        assert.equal(one.headers['content-range'], `bytes 0-9/${encoded.length}`);
        assert.deepEqual(one.body, encoded.subarray(0, 10));
        // A multipart/byteranges body is not br or gzip: Range is ignored (RFC 9110 §14.2).
        const several = await get(d, '/style.css', { 'accept-encoding': ae, range: 'bytes=0-9, 20-29' });
        expectStatus(several, 200);
        assert.equal(several.headers['content-encoding'], coding);
        assert.equal(several.headers['content-type'], 'text/css; charset=utf-8');
        assert.equal(several.headers['content-range'], undefined);
        assert.equal(several.headers['content-length'], String(encoded.length));
        assert.deepEqual(several.body, encoded);
      }
    },
  },
  {
    name: 'binary types get neither compression nor Vary: Accept-Encoding',
    async run(d, ctx) {
      const res = await get(d, '/pixel.png', { 'accept-encoding': 'br, gzip' });
      assert.equal(res.headers['content-encoding'], undefined);
      assert.deepEqual(res.body, await ctx.site.file('pixel.png'));
      assert.ok(!lists(res.headers.vary, 'accept-encoding'));
    },
  },
];
