// A request body that contradicts its Content-Length is malformed (RFC 9114 §4.1.2): the stream is
// reset with H3_MESSAGE_ERROR, and nothing else happens. Also a frame that is not allowed on a request
// stream (GOAWAY, §7.2.6) arriving while the body is open: the connection closes with
// H3_FRAME_UNEXPECTED. In each case the body the core was given fails while nobody reads it (the
// target is /healthz, which ignores bodies): that must not become an unhandled 'error' and end the
// process, so the server runs as its own process and each case ends by checking it is still up.
// Real clients: curl for the length cases, quiche driven raw for the frame.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QuicClient, getRequest } from '../support/quic-client.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { assertAnswersH3, curlH3, settledH3Requests } from './support.js';

const H3_FRAME_UNEXPECTED = 0x105;
let server: ServerProcess;
let h1: string;
let port: number;
let exitCode: number | null | undefined;

before(async () => {
  server = await spawnServer({ RWS_CONFIG_ACCESS_LOG: 'off' });
  h1 = `http://127.0.0.1:${server.ports.h1}`;
  port = server.ports.tls!;
  void server.exited.then((e) => (exitCode = e.code));
});
after(async () => {
  server?.kill('SIGKILL');
  await server?.exited;
});

/** The process is alive, serves HTTP/3 and has no request left in flight. */
async function assertStillServing(): Promise<void> {
  assert.equal(exitCode, undefined, `the server exited: ${server.stderr().slice(-2000)}`);
  await assertAnswersH3(port);
  assert.equal(await settledH3Requests(h1), 0);
}

const mismatches: [string, string[]][] = [
  ['5 bytes with Content-Length: 2', ['-d', 'hello', '-H', 'content-length: 2']],
  ['1 byte with Content-Length: 0', ['-d', 'x', '-H', 'content-length: 0']],
  ['3 bytes with Content-Length: 5', ['-d', 'abc', '-H', 'content-length: 5']],
  // curl ends the stream with the HEADERS frame: a declared body that never comes.
  ['no body with Content-Length: 5', ['-H', 'content-length: 5']],
];

for (const [name, args] of mismatches) {
  test(`${name}: the stream is reset, the server keeps serving`, async () => {
    const r = await curlH3(port, '/healthz', [...args, '-o', '/dev/null', '-w', '%{http_code}']);
    assert.notEqual(r.stdout.toString(), '200', 'a malformed request is not answered');
    assert.notEqual(r.code, 0, 'curl sees the reset');
    await assertStillServing();
  });
}

test('a body of exactly Content-Length bytes is served', async () => {
  const r = await curlH3(port, '/healthz', ['-d', 'hello', '-H', 'content-length: 5', '-o', '/dev/null', '-w', '%{http_code}']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.toString(), /^[2-4]\d\d$/);
});

test('GOAWAY on a request stream while its body is open: H3_FRAME_UNEXPECTED, the server keeps serving', async () => {
  const c = await QuicClient.connect(port);
  try {
    // One write: the GOAWAY is read right after the HEADERS, before the core's answer is written.
    c.send(0, Buffer.concat([getRequest('/healthz'), Uint8Array.from([0x07, 0x01, 0x00])]), false);
    const err = await c.closedByPeer(3000);
    assert.ok(err !== null, 'the server closed the connection');
    assert.equal(err.errorCode, H3_FRAME_UNEXPECTED);
  } finally {
    c.close();
  }
  await assertStillServing();
});
