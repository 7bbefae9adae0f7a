// The access-line formatters on values no well-behaved client sends (control characters, quotes, lone
// surrogates, huge fields, odd durations): a JSON line always parses back to the same values, and a text
// line stays one line with its quoted fields intact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreRequest, CoreResponse, ExchangeEnd } from '../../src/core/contract.js';
import { jsonAccessLine, ms, textAccessLine } from '../../src/core/observability/access-line.js';
import { METHODS, PROTOCOLS, ROUTES, type Route } from '../../src/core/observability/labels.js';

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

  // The line is assembled from pieces built once per method, protocol and route: every combination
  // must still give the documented fields, in order, with the values it was given.
  it('every method, protocol and route, with and without origin time and abort, gives the same fields', () => {
    const keys = ['time', 'level', 'msg', 'req_id', 'remote_addr', 'method', 'path', 'protocol', 'status', 'bytes', 'duration_ms', 'user_agent', 'referer', 'route'];
    for (const method of [...METHODS, 'PROPFIND', 'get']) {
      for (const protocol of PROTOCOLS) {
        for (const route of ROUTES) {
          for (const upstreamMs of [undefined, 2.25]) {
            for (const aborted of [false, true]) {
              const req = { ...request('/x', 'ua'), method, protocol };
              const r: CoreResponse = { status: 201, headers: {}, body: { kind: 'empty' }, route: route as Route, upstreamMs };
              const before = Date.now();
              const line = jsonAccessLine(req, r, { bytesSent: 7, bytesReceived: 0, aborted }, 3);
              const e = JSON.parse(line) as Record<string, unknown>;
              const want = [...keys, ...(upstreamMs === undefined ? [] : ['upstream_ms']), ...(aborted ? ['aborted'] : [])];
              assert.deepEqual(Object.keys(e), want, line);
              assert.deepEqual(
                { ...e, time: undefined },
                { time: undefined, level: 'info', msg: 'request', req_id: 'rid-1', remote_addr: '::1', method, path: '/x', protocol, status: 201, bytes: 7, duration_ms: 3, user_agent: 'ua', referer: '', route, ...(upstreamMs === undefined ? {} : { upstream_ms: 2.25 }), ...(aborted ? { aborted: true } : {}) },
              );
              const t = Date.parse(e.time as string);
              assert.ok(t >= before && t <= Date.now(), `time ${String(e.time)}`);
            }
          }
        }
      }
    }
  });

  it('the time stays current across milliseconds (the line opening is rebuilt when the time changes)', () => {
    const until = Date.now() + 20;
    let seen = 0;
    let last = '';
    while (Date.now() < until) {
      const before = Date.now();
      const time = (JSON.parse(jsonAccessLine(request('/', ''), res, end, 0)) as { time: string }).time;
      const t = Date.parse(time);
      assert.ok(t >= before && t <= Date.now(), time);
      if (time !== last) seen++;
      last = time;
    }
    assert.ok(seen >= 2, 'several milliseconds were seen');
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
  it('a tunnel (101) also says the bytes relayed to the origin, in both formats', () => {
    const tunnel: CoreResponse = { status: 101, headers: {}, body: { kind: 'empty' }, route: 'proxy', upstreamMs: 2 };
    const closed: ExchangeEnd = { bytesSent: 1234, bytesReceived: 567, aborted: false };
    const e = JSON.parse(jsonAccessLine(request('/ws', 'ua'), tunnel, closed, 60_000)) as Record<string, unknown>;
    assert.equal(e.status, 101);
    assert.equal(e.bytes, 1234);
    assert.equal(e.bytes_received, 567);
    assert.equal(e.duration_ms, 60000);
    assert.match(textAccessLine(request('/ws', 'ua'), tunnel, closed, 1), / 101 1234 .* upstream_ms=2\.000 bytes_received=567\n$/);
    const other = JSON.parse(jsonAccessLine(request('/', 'ua'), { ...tunnel, status: 200 }, closed, 1)) as Record<string, unknown>;
    assert.equal(other.bytes_received, undefined, 'only on a tunnel line');
  });
});
