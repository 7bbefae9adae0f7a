// HTTP-date parsing (RFC 9110 §5.6.7) as a table: the three forms a recipient accepts, and the loose
// values Date.parse would take that must read as "not a date".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseHttpDate } from '../../src/core/static/http-date.js';

const now = Date.UTC(2026, 10, 28);
const t1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

const dates: [string, number][] = [
  ['Sun, 06 Nov 1994 08:49:37 GMT', t1994],
  ['Sunday, 06-Nov-94 08:49:37 GMT', t1994],
  ['Sun Nov  6 08:49:37 1994', t1994],
  ['Sun Nov 16 08:49:37 1994', Date.UTC(1994, 10, 16, 8, 49, 37)],
  ['  Sun, 06 Nov 1994 08:49:37 GMT  ', t1994],
  // A two-digit year more than 50 years ahead is the past century's (§5.6.7).
  ['Saturday, 01-Jan-77 00:00:00 GMT', Date.UTC(1977, 0, 1)],
  ['Friday, 01-Jan-76 00:00:00 GMT', Date.UTC(2076, 0, 1)],
  ['Friday, 01-Jan-26 00:00:00 GMT', Date.UTC(2026, 0, 1)],
  ['Wed, 31 Dec 2098 23:59:60 GMT', Date.UTC(2099, 0, 1)],
];

const notDates = [
  '', '1', '2099', '2099-01-01', '2099-01-01T00:00:00Z', 'Jan 1 2000', 'not a date',
  'Sun, 06 Nov 1994 08:49:37 +0000', 'Sun, 06 Nov 1994 08:49:37 UTC', 'Sun, 06 Nov 1994 08:49:37',
  'Sun, 6 Nov 1994 08:49:37 GMT', 'sun, 06 nov 1994 08:49:37 gmt', 'Sun, 31 Feb 1994 08:49:37 GMT',
  'Sun, 06 Nov 1994 24:00:00 GMT', 'Sun, 06 Nov 1994 08:60:00 GMT', 'Sun, 00 Nov 1994 08:49:37 GMT',
  'Sun, 06 Nov 94 08:49:37 GMT', 'Sun, 06-Nov-94 08:49:37 GMT', 'Sun Nov 06 08:49:37 1994 GMT',
];

describe('parseHttpDate', () => {
  for (const [value, expected] of dates) {
    it(`reads ${JSON.stringify(value)}`, () => assert.equal(parseHttpDate(value, now), expected));
  }
  for (const value of notDates) {
    it(`rejects ${JSON.stringify(value)}`, () => assert.equal(parseHttpDate(value, now), undefined));
  }
});
