// The server bound to the wildcard address (RWS_CONFIG_IP=0.0.0.0, the default) answers HTTP/3 at
// 127.0.0.1: the engine binds one UDP socket per local address, so the reply leaves from the address
// the client sent to (a reply from another source address is dropped by the client).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureSite } from '../conformance/site.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { fetchH3 } from './support.js';

let server: TestServer;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite, RWS_CONFIG_IP: '0.0.0.0' });
});
after(() => server.close());

test('bound to 0.0.0.0, curl --http3-only at 127.0.0.1 gets its 200', async () => {
  const res = await fetchH3(server.ports.h3!, '/hello.txt');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, await readFile(join(fixtureSite, 'hello.txt')));
});
