// Range requests (RFC 9110 §14): single and multiple ranges, unsatisfiable ranges, If-Range.
import assert from 'node:assert/strict';
import { type Case, expectStatus, get, head } from '../case.js';
import type { DriverResponse } from '../driver.js';

const digits = '0123456789'.repeat(10);

/** The parts of a multipart/byteranges body: their Content-Range and bytes. */
function parts(res: DriverResponse): { range: string; type: string; data: string }[] {
  const m = /^multipart\/byteranges; boundary=(.+)$/.exec(res.headers['content-type'] ?? '');
  assert.ok(m, `content-type ${res.headers['content-type']}`);
  const body = res.body.toString('latin1');
  const delimiter = `--${m[1]}`;
  assert.ok(body.trimEnd().endsWith(`${delimiter}--`), 'closing delimiter');
  return body
    .split(delimiter)
    .slice(1, -1)
    .map((p) => {
      const [headBlock, data] = [p.slice(0, p.indexOf('\r\n\r\n')), p.slice(p.indexOf('\r\n\r\n') + 4)];
      const fields = Object.fromEntries(
        headBlock.trim().split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      return { range: fields['content-range']!, type: fields['content-type']!, data: data.replace(/\r\n$/, '') };
    });
}

export const rangeCases: Case[] = [
  {
    name: 'one range: 206 with Content-Range and exactly those bytes',
    async run(d) {
      const res = await get(d, '/digits.txt', { range: 'bytes=10-19' });
      expectStatus(res, 206);
      assert.equal(res.headers['content-range'], 'bytes 10-19/100');
      assert.equal(res.headers['content-length'], '10');
      assert.equal(res.body.toString(), digits.slice(10, 20));
      const suffix = await get(d, '/digits.txt', { range: 'bytes=-5' });
      assert.equal(suffix.headers['content-range'], 'bytes 95-99/100');
      assert.equal(suffix.body.toString(), digits.slice(95));
      const open = await get(d, '/digits.txt', { range: 'bytes=98-' });
      assert.equal(open.body.toString(), '89');
    },
  },
  {
    name: 'a suffix longer than the file selects all of it: 206, not 416 (RFC 9110 §14.1.2)',
    async run(d) {
      const res = await get(d, '/digits.txt', { range: 'bytes=-500' });
      expectStatus(res, 206);
      assert.equal(res.headers['content-range'], 'bytes 0-99/100');
      assert.equal(res.body.toString(), digits);
    },
  },
  {
    name: 'the range unit is case-insensitive and empty list elements are ignored (RFC 9110 §14.1, §5.6.1)',
    async run(d) {
      for (const range of ['BYTES=10-19', 'Bytes=10-19', 'bytes=10-19,', 'bytes=, 10-19']) {
        const res = await get(d, '/digits.txt', { range });
        expectStatus(res, 206);
        assert.equal(res.headers['content-range'], 'bytes 10-19/100', range);
        assert.equal(res.body.toString(), digits.slice(10, 20), range);
      }
    },
  },
  {
    name: 'several ranges: 206 multipart/byteranges with an exact Content-Length',
    async run(d) {
      const res = await get(d, '/digits.txt', { range: 'bytes=0-1, 50-52, 97-' });
      expectStatus(res, 206);
      assert.equal(Number(res.headers['content-length']), res.body.length);
      const p = parts(res);
      assert.deepEqual(
        p.map((x) => [x.range, x.data]),
        [
          ['bytes 0-1/100', '01'],
          ['bytes 50-52/100', '012'],
          ['bytes 97-99/100', '789'],
        ],
      );
      for (const x of p) assert.equal(x.type, 'text/plain; charset=utf-8');
    },
  },
  {
    name: 'overlapping ranges are combined into one',
    async run(d) {
      const res = await get(d, '/digits.txt', { range: 'bytes=0-5, 3-9' });
      expectStatus(res, 206);
      assert.equal(res.headers['content-range'], 'bytes 0-9/100');
    },
  },
  {
    name: 'unsatisfiable range: 416 with Content-Range bytes */size',
    async run(d) {
      const res = await get(d, '/digits.txt', { range: 'bytes=500-600' });
      expectStatus(res, 416);
      assert.equal(res.headers['content-range'], 'bytes */100');
    },
  },
  {
    name: 'malformed or non-bytes Range is ignored: 200 full body',
    async run(d) {
      for (const range of ['bytes=x-y', 'items=0-1', 'bytes']) {
        const res = await get(d, '/digits.txt', { range });
        expectStatus(res, 200);
        assert.equal(res.body.toString(), digits, range);
      }
    },
  },
  {
    name: 'If-Range: a matching ETag or date gives 206, a stale one the full 200',
    async run(d) {
      const v = await head(d, '/digits.txt');
      const etag = v.headers.etag!;
      const lm = v.headers['last-modified']!;
      expectStatus(await get(d, '/digits.txt', { range: 'bytes=0-1', 'if-range': etag }), 206);
      expectStatus(await get(d, '/digits.txt', { range: 'bytes=0-1', 'if-range': lm }), 206);
      for (const stale of ['"stale"', `W/${etag}`, 'Sat, 01 Jan 2000 00:00:00 GMT']) {
        const res = await get(d, '/digits.txt', { range: 'bytes=0-1', 'if-range': stale });
        expectStatus(res, 200);
        assert.equal(res.body.toString(), digits, stale);
      }
    },
  },
  {
    name: 'Range on HEAD is ignored: 200 with the full length',
    async run(d) {
      const res = await head(d, '/digits.txt', { range: 'bytes=0-1' });
      expectStatus(res, 200);
      assert.equal(res.headers['content-length'], '100');
    },
  },
];
