// The HTTP/2 header block built from the core's header map, in both of the shapes node's respond()
// takes (src/h2/response-headers.ts): which node versions take the flat list, and that both shapes
// carry the same fields. On the wire, both are exercised by the HTTP/2 conformance suite (the map on
// Node 20) and by test/runtime/node24.test.ts (the list on Node 24).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sensitiveHeaders } from 'node:http2';
import { headerList, headerMap, respondTakesList } from '../../src/h2/response-headers.js';

describe('which node takes a list of fields in respond()', () => {
  const table: [string, boolean][] = [
    ['20.19.5', false],
    ['22.21.0', false],
    ['24.0.0', false],
    ['24.6.9', false],
    ['24.7.0', true],
    ['24.21.0', true],
    ['25.0.0', true],
    ['26.1.0', true],
  ];
  for (const [version, list] of table) it(`${version}: ${list ? 'list' : 'map'}`, () => assert.equal(respondTakesList(version), list));
});

function core(): Record<string, string | number | string[]> {
  return {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': 3,
    'set-cookie': ['a=1', 'b=2'],
    connection: 'keep-alive',
    'keep-alive': 'timeout=5',
    'transfer-encoding': 'chunked',
    'x-request-id': 'abc-1',
    'x-unset': undefined as unknown as string,
  };
}

describe('the header block', () => {
  it('as a list: status first, numbers as strings, one entry per value, connection-specific fields left out', () => {
    const list = headerList(404, core());
    assert.deepEqual([...list], [
      ':status', '404',
      'content-type', 'text/plain; charset=utf-8',
      'content-length', '3',
      'set-cookie', 'a=1',
      'set-cookie', 'b=2',
      'x-request-id', 'abc-1',
    ]);
    assert.deepEqual((list as unknown as Record<symbol, unknown>)[sensitiveHeaders], ['x-request-id']);
  });

  it('as a map: the same fields, completed in place', () => {
    const h = core();
    const map = headerMap(404, h);
    assert.equal(map, h);
    assert.deepEqual(Object.fromEntries(Object.entries(map)), {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': 3,
      'set-cookie': ['a=1', 'b=2'],
      'x-request-id': 'abc-1',
      'x-unset': undefined,
      ':status': 404,
    });
    assert.deepEqual((map as Record<symbol, unknown>)[sensitiveHeaders], ['x-request-id']);
  });
});
