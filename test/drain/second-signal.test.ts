// A second SIGTERM or SIGINT while draining exits at once with ExitCode.forced (130), whatever is still
// in flight and however long the shutdown delay or drain deadline would still run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode } from '../../src/core/errors.js';
import type { ServerProcess } from '../support/spawn-server.js';
import { exitOf, RawH1, sleep, spawnEdge, startRecordingOrigin, type RecordingOrigin } from './support.js';

describe('second signal', () => {
  let origin: RecordingOrigin;
  before(async () => (origin = await startRecordingOrigin()));
  after(async () => origin.close());

  for (const [first, second] of [
    ['SIGTERM', 'SIGTERM'],
    ['SIGTERM', 'SIGINT'],
    ['SIGINT', 'SIGTERM'],
  ] as const) {
    it(`${first} then ${second}: exits 130 at once`, async () => {
      let server: ServerProcess | undefined;
      try {
        server = await spawnEdge(origin, undefined, { RWS_CONFIG_SHUTDOWN_DELAY_MS: '5000', RWS_CONFIG_DRAIN_TIMEOUT_MS: '20000' });
        const exit = exitOf(server);
        const conn = await RawH1.open(server.ports.h1!);
        const inflight = conn.get(`/slow/${first}-${second}?ms=20000`).catch((e: Error) => e);
        while (!origin.seen.some((p) => p.includes(`${first}-${second}`))) await sleep(10);

        server.kill(first);
        await server.waitForLog((e) => e.msg === 'drain started');
        await sleep(200);
        server.kill(second);
        const sentAt = Date.now();
        const { code, at } = await exit;
        assert.equal(code, ExitCode.forced, `stdout:\n${server.lines.join('\n')}\nstderr:\n${server.stderr()}`);
        assert.ok(at - sentAt < 1500, `exited ${at - sentAt} ms after the second signal`);
        const line = await server.waitForLog((e) => e.msg === 'second signal: exiting now');
        assert.equal(line.signal, second);
        assert.ok(await inflight instanceof Error, 'the in-flight request did not complete');
        console.log(`# ${first}+${second}: exited ${at - sentAt} ms after the second signal`);
      } finally {
        server?.kill('SIGKILL');
      }
    });
  }
});
