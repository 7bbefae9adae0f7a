// The QPACK static table (RFC 9204 Appendix A) and its encoder lookups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STATIC_NAMES, STATIC_TABLE, STATIC_VALUES, staticEntry } from '../../src/h3/qpack/static-table.js';

test('99 entries, spot-checked against Appendix A', () => {
  assert.equal(STATIC_TABLE.length, 99);
  const spots: Array<[number, string, string]> = [
    [0, ':authority', ''], [1, ':path', '/'], [15, ':method', 'CONNECT'], [17, ':method', 'GET'], [23, ':scheme', 'https'],
    [25, ':status', '200'], [29, 'accept', '*/*'], [31, 'accept-encoding', 'gzip, deflate, br'], [52, 'content-type', 'text/html; charset=utf-8'],
    [63, ':status', '100'], [71, ':status', '500'], [85, 'content-security-policy', "script-src 'none'; object-src 'none'; base-uri 'none'"],
    [95, 'user-agent', ''], [98, 'x-frame-options', 'sameorigin'],
  ];
  for (const [index, name, value] of spots) assert.deepEqual([STATIC_NAMES[index], STATIC_VALUES[index]], [name, value], `index ${index}`);
  assert.ok(Object.isFrozen(STATIC_TABLE));
});

test('lookups give the lowest index for a name and the exact index for a (name, value)', () => {
  assert.equal(staticEntry(':status')?.nameIndex, 24);
  assert.equal(staticEntry(':status')?.values.get('500'), 71);
  assert.equal(staticEntry('content-type')?.values.get('text/plain'), 53);
  assert.equal(staticEntry('cookie')?.values.get(''), 5);
  assert.equal(staticEntry('x-unknown'), undefined);
  for (let i = 0; i < STATIC_TABLE.length; i++) assert.equal(staticEntry(STATIC_NAMES[i])?.values.get(STATIC_VALUES[i]), i);
});
