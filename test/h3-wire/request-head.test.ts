// Request-head validation (RFC 9114 §4.2, §4.3.1, §4.4) and header combination as node:http does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H3Code, H3Error } from '../../src/h3/wire/error-codes.js';
import { toRequestHead, validateTrailers } from '../../src/h3/request-head.js';

const base = [':method', 'GET', ':scheme', 'https', ':authority', 'example.com', ':path', '/'];
const withFields = (...extra: string[]): string[] => [...base, ...extra];

test('a curl-like request becomes a head with plain headers', () => {
  const head = toRequestHead([
    ':method', 'GET', ':scheme', 'https', ':authority', 'localhost:8443', ':path', '/a/b?c=1&d=%20',
    'user-agent', 'curl/8.5.0', 'accept', '*/*',
  ]);
  assert.equal(head.method, 'GET');
  assert.equal(head.scheme, 'https');
  assert.equal(head.authority, 'localhost:8443');
  assert.equal(head.path, '/a/b?c=1&d=%20');
  assert.deepEqual({ ...head.headers }, { 'user-agent': 'curl/8.5.0', accept: '*/*' });
  assert.equal(head.contentLength, -1);
});

test('pseudo-headers may come in any order', () => {
  const head = toRequestHead([':path', '/x', ':authority', 'a.test', ':scheme', 'http', ':method', 'POST', 'content-length', '12']);
  assert.deepEqual([head.method, head.scheme, head.authority, head.path, head.contentLength], ['POST', 'http', 'a.test', '/x', 12]);
  assert.equal(head.headers['content-length'], '12');
});

test('Host stands in for a missing :authority; equal values are accepted together', () => {
  const hostOnly = toRequestHead([':method', 'GET', ':scheme', 'https', ':path', '/', 'host', 'h.test:443']);
  assert.equal(hostOnly.authority, 'h.test:443');
  assert.equal(hostOnly.headers.host, 'h.test:443');
  assert.equal(toRequestHead(withFields('host', 'example.com')).authority, 'example.com');
});

test('repeated fields combine as node:http does', () => {
  const head = toRequestHead(
    withFields(
      'cookie', 'a=1', 'accept', 'text/html', 'cookie', 'b=2', 'accept', 'application/json',
      'set-cookie', 'x=1', 'user-agent', 'first', 'user-agent', 'second', 'x-custom', 'one', 'x-custom', 'two', 'cookie', 'c=3',
    ),
  );
  assert.deepEqual({ ...head.headers }, {
    cookie: 'a=1; b=2; c=3',
    accept: 'text/html, application/json',
    'set-cookie': ['x=1'],
    'user-agent': 'first',
    'x-custom': 'one, two',
  });
});

test('the header map has no prototype: __proto__ and constructor are plain fields', () => {
  const head = toRequestHead(withFields('__proto__', 'p', 'constructor', 'c', 'constructor', 'd'));
  assert.equal(Object.getPrototypeOf(head.headers), null);
  assert.equal(head.headers['__proto__'], 'p');
  assert.equal(head.headers.constructor, 'c, d');
});

test('OPTIONS *, CONNECT, te: trailers, empty and obs-text values, other schemes', () => {
  assert.equal(toRequestHead([':method', 'OPTIONS', ':scheme', 'https', ':authority', 'a', ':path', '*']).path, '*');
  const connect = toRequestHead([':method', 'CONNECT', ':authority', 'upstream.test:443']);
  assert.deepEqual([connect.method, connect.scheme, connect.authority, connect.path], ['CONNECT', '', 'upstream.test:443', '']);
  assert.equal(toRequestHead(withFields('te', 'trailers')).headers.te, 'trailers');
  assert.equal(toRequestHead(withFields('te', 'Trailers')).headers.te, 'Trailers');
  assert.equal(toRequestHead(withFields('accept-language', '')).headers['accept-language'], '');
  assert.equal(toRequestHead(withFields('x-name', 'caf\u00e9  au\tlait')).headers['x-name'], 'caf\u00e9  au\tlait');
  const other = toRequestHead([':method', 'GET', ':scheme', 'urn+x', ':path', 'opaque']);
  assert.equal(other.authority, '');
  assert.equal(toRequestHead(withFields('content-length', '0')).contentLength, 0);
  assert.equal(toRequestHead(withFields('content-length', '9007199254740991')).contentLength, Number.MAX_SAFE_INTEGER);
});

const malformed: Array<[string, string[]]> = [
  ['upper-case field name', withFields('User-Agent', 'x')],
  ['field name with a space', withFields('bad name', 'x')],
  ['field name with a colon inside', withFields('a:b', 'x')],
  ['empty field name', withFields('', 'x')],
  ['non-latin1 field name', withFields('x-\u0101', 'x')],
  ['field name ending in LF', withFields('x-a\n', 'x')],
  [':status in a request', [...base, ':status', '200']],
  ['unknown pseudo-header', [...base, ':foo', 'x']],
  [':protocol without extended CONNECT', [':method', 'CONNECT', ':protocol', 'websocket', ':scheme', 'https', ':authority', 'a', ':path', '/']],
  ['duplicate :method', [':method', 'GET', ...base]],
  ['duplicate :path', [...base, ':path', '/x']],
  ['duplicate :authority', [...base, ':authority', 'example.com']],
  ['pseudo-header after a regular field', [':method', 'GET', ':scheme', 'https', 'accept', '*/*', ':authority', 'a', ':path', '/']],
  ['missing :method', [':scheme', 'https', ':authority', 'a', ':path', '/']],
  ['missing :scheme', [':method', 'GET', ':authority', 'a', ':path', '/']],
  ['missing :path', [':method', 'GET', ':scheme', 'https', ':authority', 'a']],
  ['empty :path', [':method', 'GET', ':scheme', 'https', ':authority', 'a', ':path', '']],
  ['empty :method', [':method', '', ':scheme', 'https', ':authority', 'a', ':path', '/']],
  ['invalid :method', [':method', 'G(ET', ':scheme', 'https', ':authority', 'a', ':path', '/']],
  ['invalid :scheme', [':method', 'GET', ':scheme', 'ht tp', ':authority', 'a', ':path', '/']],
  ['CONNECT with :path', [':method', 'CONNECT', ':authority', 'a:443', ':path', '/']],
  ['CONNECT with :scheme', [':method', 'CONNECT', ':authority', 'a:443', ':scheme', 'https']],
  ['CONNECT without :authority', [':method', 'CONNECT']],
  ['https without :authority or Host', [':method', 'GET', ':scheme', 'https', ':path', '/']],
  ['empty :authority', [':method', 'GET', ':scheme', 'https', ':authority', '', ':path', '/']],
  ['empty Host without :authority', [':method', 'GET', ':scheme', 'https', ':path', '/', 'host', '']],
  ['userinfo in :authority', [':method', 'GET', ':scheme', 'https', ':authority', 'user@a.test', ':path', '/']],
  ['space in :authority', [':method', 'GET', ':scheme', 'https', ':authority', 'a .test', ':path', '/']],
  [':authority and Host differ', withFields('host', 'other.example')],
  ['two Host fields', [':method', 'GET', ':scheme', 'https', ':path', '/', 'host', 'a', 'host', 'a']],
  ['absolute-form :path', [':method', 'GET', ':scheme', 'https', ':authority', 'a', ':path', 'https://a/']],
  ['* :path for GET', [':method', 'GET', ':scheme', 'https', ':authority', 'a', ':path', '*']],
  ['space in :path', [':method', 'GET', ':scheme', 'https', ':authority', 'a', ':path', '/a b']],
  ['DEL in :path', [':method', 'GET', ':scheme', 'https', ':authority', 'a', ':path', '/a\u007f']],
  ['NUL in a value', withFields('x', 'a\u0000b')],
  ['CR in a value', withFields('x', 'a\rb')],
  ['LF in a value', withFields('x', 'a\nb')],
  ['LF in a pseudo-header value', [':method', 'GET', ':scheme', 'https', ':authority', 'a\n', ':path', '/']],
  ['leading space in a value', withFields('x', ' a')],
  ['trailing tab in a value', withFields('x', 'a\t')],
  ['connection', withFields('connection', 'close')],
  ['keep-alive', withFields('keep-alive', 'timeout=5')],
  ['proxy-connection', withFields('proxy-connection', 'keep-alive')],
  ['transfer-encoding', withFields('transfer-encoding', 'chunked')],
  ['upgrade', withFields('upgrade', 'websocket')],
  ['te other than trailers', withFields('te', 'gzip')],
  ['te with trailers and more', withFields('te', 'trailers, deflate')],
  ['content-length not a number', withFields('content-length', 'abc')],
  ['negative content-length', withFields('content-length', '-1')],
  ['content-length list', withFields('content-length', '1,1')],
  ['empty content-length', withFields('content-length', '')],
  ['two content-length fields, even equal', withFields('content-length', '5', 'content-length', '5')],
  ['content-length above 2^53-1', withFields('content-length', '9007199254740992')],
  ['content-length of 17 digits', withFields('content-length', '00000000000000001')],
];

for (const [name, fields] of malformed) {
  test(`malformed → H3_MESSAGE_ERROR (stream): ${name}`, () => {
    assert.throws(
      () => toRequestHead(fields),
      (err: unknown) => err instanceof H3Error && err.code === H3Code.H3_MESSAGE_ERROR && err.scope === 'stream',
    );
  });
}

test('trailers: regular fields combine; pseudo-headers and forbidden fields are malformed', () => {
  assert.deepEqual({ ...validateTrailers(['grpc-status', '0', 'x-sum', 'a', 'x-sum', 'b']) }, { 'grpc-status': '0', 'x-sum': 'a, b' });
  assert.deepEqual({ ...validateTrailers([]) }, {});
  for (const fields of [[':status', '200'], [':path', '/'], ['Bad', 'x'], ['transfer-encoding', 'chunked'], ['x', 'a\r\n']]) {
    assert.throws(
      () => validateTrailers(fields),
      (err: unknown) => err instanceof H3Error && err.code === H3Code.H3_MESSAGE_ERROR && err.scope === 'stream',
      JSON.stringify(fields),
    );
  }
});

test('an odd-length field list is a programming error', () => {
  assert.throws(() => toRequestHead([':method']), TypeError);
  assert.throws(() => validateTrailers(['x']), TypeError);
});
