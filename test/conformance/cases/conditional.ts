// Conditional requests (RFC 9110 §13): 304 by If-None-Match or If-Modified-Since, 412 by If-Match or
// If-Unmodified-Since, and the precedence between them (§13.2.2).
import assert from 'node:assert/strict';
import { type Case, expectStatus, get, head } from '../case.js';
import type { Driver } from '../driver.js';

const past = 'Sat, 01 Jan 2000 00:00:00 GMT';
const future = 'Fri, 01 Jan 2100 00:00:00 GMT';

async function validators(d: Driver, path = '/hello.txt'): Promise<{ etag: string; lastModified: string }> {
  const res = await head(d, path);
  return { etag: res.headers.etag!, lastModified: res.headers['last-modified']! };
}

export const conditionalCases: Case[] = [
  {
    name: 'If-None-Match with the ETag: 304 with validators and no body',
    async run(d) {
      const { etag } = await validators(d);
      for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const res = await get(d, '/hello.txt', { 'if-none-match': inm });
        expectStatus(res, 304);
        assert.equal(res.body.length, 0);
        assert.equal(res.headers.etag, etag, inm);
        assert.ok(res.headers['cache-control'], 'a 304 carries Cache-Control (RFC 9110 §15.4.5)');
      }
      expectStatus(await get(d, '/hello.txt', { 'if-none-match': '"nope"' }), 200);
    },
  },
  {
    name: 'a 304 carries ETag, Cache-Control and Vary but no other representation metadata (RFC 9110 §15.4.5)',
    async run(d) {
      // Identity, a precompressed sibling (style.css.br) and an on-the-fly variant (app.js), by tag and by date.
      for (const [path, ae] of [['/hello.txt', undefined], ['/style.css', 'br'], ['/app.js', 'gzip']] as const) {
        const enc: Record<string, string> = ae === undefined ? {} : { 'accept-encoding': ae };
        const ok = await get(d, path, enc);
        expectStatus(ok, 200);
        const conds: Record<string, string>[] = [{ 'if-none-match': ok.headers.etag! }, { 'if-modified-since': ok.headers['last-modified']! }];
        for (const cond of conds) {
          const res = await get(d, path, { ...enc, ...cond });
          expectStatus(res, 304);
          const what = `${path} ${JSON.stringify(cond)}`;
          assert.equal(res.headers.etag, ok.headers.etag, what);
          assert.equal(res.headers['cache-control'], ok.headers['cache-control'], what);
          assert.equal(res.headers.vary, ok.headers.vary, what);
          for (const name of ['content-type', 'content-encoding', 'content-range', 'last-modified']) {
            assert.equal(res.headers[name], undefined, `${name} on a 304: ${what}`);
          }
        }
      }
    },
  },
  {
    name: 'If-Modified-Since: 304 when not modified since, 200 when modified',
    async run(d) {
      const { lastModified } = await validators(d);
      expectStatus(await get(d, '/hello.txt', { 'if-modified-since': lastModified }), 304);
      expectStatus(await get(d, '/hello.txt', { 'if-modified-since': future }), 304);
      expectStatus(await get(d, '/hello.txt', { 'if-modified-since': past }), 200);
      expectStatus(await get(d, '/hello.txt', { 'if-modified-since': 'not a date' }), 200);
    },
  },
  {
    name: 'If-None-Match wins over If-Modified-Since',
    async run(d) {
      const { etag, lastModified } = await validators(d);
      expectStatus(await get(d, '/hello.txt', { 'if-none-match': '"other"', 'if-modified-since': lastModified }), 200);
      expectStatus(await get(d, '/hello.txt', { 'if-none-match': etag, 'if-modified-since': past }), 304);
    },
  },
  {
    name: 'If-Match: 412 when no tag matches strongly, 200 otherwise',
    async run(d) {
      const { etag } = await validators(d);
      expectStatus(await get(d, '/hello.txt', { 'if-match': '"other"' }), 412);
      expectStatus(await get(d, '/hello.txt', { 'if-match': `W/${etag}` }), 412);
      expectStatus(await get(d, '/hello.txt', { 'if-match': etag }), 200);
      expectStatus(await get(d, '/hello.txt', { 'if-match': '*' }), 200);
    },
  },
  {
    name: 'If-Unmodified-Since: 412 when modified since, 200 otherwise; If-Match takes precedence',
    async run(d) {
      const { etag } = await validators(d);
      expectStatus(await get(d, '/hello.txt', { 'if-unmodified-since': past }), 412);
      expectStatus(await get(d, '/hello.txt', { 'if-unmodified-since': future }), 200);
      expectStatus(await get(d, '/hello.txt', { 'if-match': etag, 'if-unmodified-since': past }), 200);
    },
  },
  {
    name: 'a date that is not an HTTP-date is ignored (RFC 9110 §13.1.3, §13.1.4), not read loosely',
    async run(d) {
      // Date.parse reads "1" as 2001 and "2099" as that year: acting on them would give 412 and 304.
      for (const loose of ['1', '2000', '2099-01-01T00:00:00Z', 'Jan 1 2000']) {
        expectStatus(await get(d, '/hello.txt', { 'if-unmodified-since': loose }), 200);
      }
      for (const loose of ['2099', '2099-01-01', 'Fri, 01 Jan 2100 00:00:00 +0000']) {
        expectStatus(await get(d, '/hello.txt', { 'if-modified-since': loose }), 200);
      }
      // The obsolete forms a recipient must still accept (§5.6.7).
      expectStatus(await get(d, '/hello.txt', { 'if-modified-since': 'Friday, 01-Jan-99 00:00:00 GMT' }), 200);
      expectStatus(await get(d, '/hello.txt', { 'if-modified-since': 'Fri Jan  1 00:00:00 2100' }), 304);
    },
  },
  {
    name: 'preconditions come before Range: a matching If-None-Match gives 304, not 206',
    async run(d) {
      const { etag } = await validators(d, '/digits.txt');
      expectStatus(await get(d, '/digits.txt', { 'if-none-match': etag, range: 'bytes=0-1' }), 304);
    },
  },
];
