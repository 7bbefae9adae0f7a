// Downloads cancelled midway over HTTP/3: a client that gives up (curl --max-time: it closes the QUIC
// connection) and one killed outright (SIGKILL: the server learns it only from the QUIC idle timeout,
// set short here). Each time the request ends as aborted, http_active_requests{protocol="h3"} returns
// to 0, and the server still answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, type TestServer } from '../support/start-server.js';
import { activeH3Requests, assertAnswersH3, curlH3, settledH3Requests, tempRoot, type TempRoot } from './support.js';

const SIZE = 16 * 1024 * 1024;
let root: TempRoot;
let server: TestServer;
let aborted: number;

before(async () => {
  root = await tempRoot({ 'big.bin': randomBytes(SIZE) });
  server = await startServer({ RWS_CONFIG_ROOT: root.dir, RWS_CONFIG_H3_IDLE_TIMEOUT_MS: '1500' });
  aborted = 0;
  // Count exchanges the listener reports as cut short (Core.finish with aborted: true).
  const observer = server.server.observer;
  const original = observer.requestFinished.bind(observer);
  observer.requestFinished = (req, res, end, ms) => {
    if (end.aborted) aborted++;
    original(req, res, end, ms);
  };
});
after(async () => {
  await server?.close();
  await root?.remove();
});

test('curl gives up midway (--max-time, rate-limited): the request ends and the gauge returns to 0', async () => {
  const r = await curlH3(server.ports.h3!, '/big.bin', ['-o', '/dev/null', '--limit-rate', '1M', '--max-time', '2']);
  assert.equal(r.code, 28, `curl should time out mid-body; exit ${r.code}: ${r.stderr}`);
  assert.equal(await settledH3Requests(server.h1), 0);
  assert.ok(aborted >= 1, 'the exchange was reported as aborted');
  await assertAnswersH3(server.ports.h3!);
});

test('curl killed midway (SIGKILL): the idle timeout ends the request and the gauge returns to 0', async () => {
  const abortedBefore = aborted;
  const download = curlH3(server.ports.h3!, '/big.bin', ['-o', '/dev/null', '--limit-rate', '1M']);
  // Wait until the server has the request in flight, then kill the client without a word.
  const until = Date.now() + 10_000;
  while ((await activeH3Requests(server.h1)) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await activeH3Requests(server.h1), 1);
  download.kill('SIGKILL');
  const r = await download;
  assert.equal(r.code, null);
  assert.equal(await settledH3Requests(server.h1, 10_000), 0);
  assert.equal(aborted, abortedBefore + 1, 'the exchange was reported as aborted');
  await assertAnswersH3(server.ports.h3!);
});
