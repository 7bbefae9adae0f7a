// ngtcp2's example client (Debian's gtlsclient, GnuTLS) fetches a file over HTTP/3. It always exits 0,
// so its output is checked: ALPN h3, the request pseudo-headers, :status 200, a clean stream close,
// and the downloaded body equal to the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureSite } from '../conformance/site.js';
import { gtlsclient } from '../quic/gtlsclient.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { assertAnswersH3 } from './support.js';

let server: TestServer;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite });
});
after(() => server.close());

test('gtlsclient GET /app.js: h3, 200, the file byte for byte', async () => {
  const { output, dir } = await gtlsclient(server.ports.h3!, '/app.js');
  try {
    assert.match(output, /Negotiated ALPN is h3/);
    assert.match(output, /\[:path: \/app\.js\]/);
    assert.match(output, /http: stream 0x0 \[:status: 200\]/, output.slice(-2000));
    assert.match(output, /http: stream 0x0 \[content-type: text\/javascript; charset=utf-8\]/);
    // 256 = 0x100 H3_NO_ERROR: the request stream ended normally.
    assert.match(output, /HTTP stream 0 closed with error code 256/);
    assert.deepEqual(await readFile(join(dir, 'app.js')), await readFile(join(fixtureSite, 'app.js')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await assertAnswersH3(server.ports.h3!);
});
