// Transfer-Encoding on HTTP/1.1 requests (RFC 9112 §6.1, §6.3) on both listeners that speak it: chunked
// not final, or applied twice, is 400 and the connection closes (the body's length is unknown: a
// smuggling vector); another coding before chunked is 501 (the body would reach the origin still coded);
// Transfer-Encoding in HTTP/1.0 is 400. Plain chunked, in any case, is served. Raw sockets.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/start-server.js';
import { exchange, http1Listeners } from './raw-h1.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server?.close());

const body = '3\r\nabc\r\n0\r\n\r\n';
const post = (te: string, version = '1.1'): string => `POST /healthz HTTP/${version}\r\nHost: a\r\nTransfer-Encoding: ${te}\r\n\r\n${body}`;

const refused: [string, string, number][] = [
  ['gzip, chunked', post('gzip, chunked'), 501],
  ['gzip (chunked not final)', post('gzip'), 400],
  ['chunked, gzip', post('chunked, gzip'), 400],
  ['chunked, chunked', post('chunked, chunked'), 400],
  ['chunked in HTTP/1.0', post('chunked', '1.0'), 400],
];

for (const [name, open] of http1Listeners(() => server)) {
  describe(`HTTP/1.1 ${name}`, () => {
    for (const [what, head, status] of refused) {
      it(`${what}: ${status}, connection closed`, async () => {
        assert.deepEqual(await exchange(open, head), { status, closed: true });
      });
    }
    for (const te of ['chunked', 'Chunked']) {
      it(`${te}: served (POST /healthz is 405)`, async () => {
        assert.equal((await exchange(open, post(te))).status, 405);
      });
    }
  });
}
