// isoNow formats the second once and appends the milliseconds: it must write exactly what
// Date#toISOString writes, across millisecond, second, day and year boundaries and in any order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isoNow } from '../../src/core/observability/iso-time.js';

const base = Date.UTC(2026, 10, 27, 23, 59, 59, 0);
const times = [
  base,
  base + 1,
  base + 9,
  base + 10,
  base + 99,
  base + 100,
  base + 999,
  base + 1000, // next day
  base - 1,
  Date.UTC(2026, 11, 31, 23, 59, 59, 999),
  Date.UTC(2027, 0, 1, 0, 0, 0, 0),
  Date.UTC(2028, 1, 29, 12, 0, 0, 7), // leap day
  0,
  base + 5,
  base + 5, // the same millisecond twice
];

describe('isoNow', () => {
  it('writes what toISOString writes, for every time in any order', () => {
    for (const t of times) assert.equal(isoNow(t), new Date(t).toISOString(), `at ${t}`);
  });

  it('follows the clock by default', () => {
    const before = Date.now();
    const s = isoNow();
    const after = Date.now();
    const t = Date.parse(s);
    assert.ok(t >= before && t <= after, `${s} between ${before} and ${after}`);
  });
});
