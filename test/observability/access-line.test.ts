// The access-line formatters on values no well-behaved client sends (control characters, quotes, lone
// surrogates, huge fields, odd durations): a JSON line always parses back to the same values, and a text
// line stays one line with its quoted fields intact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreRequest, CoreResponse, ExchangeEnd } from '../../src/core/contract.js';
import { jsonAccessLine, ms, textAccessLine } from '../../src/core/observability/access-line.js';
import type { Route } from '../../src/core/observability/labels.js';

function request(path: string, ua: string | string[] | undefined, referer?: string): CoreRequest {
  return {
    method: 'GET',
    scheme: 'https',
    authority: 'example.com',
    path,
    headers: { 'user-agent': ua, referer },
    body: null,
    remoteAddress: '::1',
    protocol: 'h3',
    signal: new AbortController().signal,
    requestId: 'rid-1',
  };
}
// A route the type does not allow (a listener written in JavaScript could still set one): folded all the same.
const res: CoreResponse = { status: 404, headers: {}, body: { kind: 'empty' }, route: 'somewhere_unknown' as Route };
const end: ExchangeEnd = { bytesSent: 10, bytesReceived: 0, aborted: true };

const nasty = ['plain', 'quote " and \\ backslash', 'ctl \x00\x01\x1f\x7f', 'line\nbreak\r\n', 'ünïcödé ☃', 'lone \ud800 surrogate', '{"json":"inside"}'];

describe('access line formatting', () => {
  for (const value of nasty) {
    it(`JSON round-trips ${JSON.stringify(value)}`, () => {
      const line = jsonAccessLine(request(`/p?${value}`, value, value), res, end, 1.5);
      assert.ok(line.endsWith('}\n') && line.indexOf('\n') === line.length - 1, 'one line');
      const e = JSON.parse(line) as Record<string, unknown>;
      assert.equal(e.path, `/p?${value}`);
      assert.equal(e.user_agent, value);
      assert.equal(e.referer, value);
      assert.equal(e.route, 'other', 'routes are folded like the metrics label');
      assert.equal(e.aborted, true);
      assert.equal(e.remote_addr, '::1');
    });

    it(`text keeps ${JSON.stringify(value)} on one line, quoted`, () => {
      const line = textAccessLine(request(`/p?${value}`, value), res, end, 1.5);
      assert.equal(line.indexOf('\n'), line.length - 1);
      const m = /^::1 - - \[[^\]]+\] ("(?:[^"\\]|\\.)*") 404 10 "-" ("(?:[^"\\]|\\.)*") 1\.500ms req_id=rid-1 aborted\n$/.exec(line);
      assert.ok(m, line);
      assert.equal(JSON.parse(m[1]!), `GET /p?${value} HTTP/3`);
      assert.equal(JSON.parse(m[2]!), value);
    });
  }

  it('cuts fields at 2048 characters and takes the first of repeated headers', () => {
    const e = JSON.parse(jsonAccessLine(request('/' + 'a'.repeat(5000), ['first', 'second']), res, end, 0)) as Record<string, string>;
    assert.equal(e.path!.length, 2048);
    assert.equal(e.user_agent, 'first');
    assert.equal(e.referer, '');
  });

  it('writes durations as JSON numbers with three decimals', () => {
    assert.equal(ms(0), '0.000');
    assert.equal(ms(0.0004), '0.000');
    assert.equal(ms(1.5), '1.500');
    assert.equal(ms(12.0456), '12.046');
    assert.equal(ms(1234567.8), '1234567.800');
    assert.equal(ms(NaN), '0.000');
    assert.equal(ms(-1), '0.000');
    for (const v of [0.001, 0.25, 99.999, 1000.05]) assert.equal(JSON.parse(ms(v)), Math.round(v * 1000) / 1000);
  });
});
