// A conditional field sent as two lines means the same as one line listing both values (RFC 9110
// §5.3), on every listener: the second If-None-Match tag gives 304 and the second If-Match tag 200.
// node:http2 kept only the first line of these (src/h2/repeated-fields.ts). A repeated Range is
// ignored alike everywhere: the full 200. The client is curl, which sends each -H line as given.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { curlFetch, h3Url, tempRoot, type TempRoot } from '../h3/support.js';
import { startServer, type TestServer } from '../support/start-server.js';

let root: TempRoot;
let server: TestServer;
let etag: string;

before(async () => {
  root = await tempRoot({ 'hello.txt': 'hello, repeated fields\n' });
  server = await startServer({ RWS_CONFIG_ROOT: root.dir });
});
after(async () => {
  await server?.close();
  await root?.remove();
});

const listeners: [string, () => [string, string[]]][] = [
  ['HTTP/1.1', () => [`${server.h1}/hello.txt`, ['--http1.1']]],
  ['HTTP/2', () => [`${server.tls}/hello.txt`, ['--http2']]],
  ['HTTP/3', () => [h3Url(server.ports.h3!, '/hello.txt'), ['--http3-only']]],
];

for (const [name, target] of listeners) {
  describe(name, () => {
    const fetch = (lines: string[]) => {
      const [url, args] = target();
      return curlFetch(url, [...args, ...lines.flatMap((l) => ['-H', l])]);
    };
    before(async () => {
      etag = (await fetch([])).headers.etag!;
      assert.ok(etag);
    });

    it('If-None-Match on two lines: the second tag matches → 304', async () => {
      assert.equal((await fetch(['If-None-Match: "other"', `If-None-Match: ${etag}`])).status, 304);
      assert.equal((await fetch(['If-None-Match: "other"', 'If-None-Match: "nope"'])).status, 200);
    });

    it('If-Match on two lines: the second tag matches → 200', async () => {
      assert.equal((await fetch(['If-Match: "other"', `If-Match: ${etag}`])).status, 200);
      assert.equal((await fetch(['If-Match: "other"', 'If-Match: "nope"'])).status, 412);
    });

    it('Range on two lines is ignored: 200 and the whole file', async () => {
      const res = await fetch(['Range: bytes=0-1', 'Range: bytes=3-4']);
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), 'hello, repeated fields\n');
    });
  });
}
