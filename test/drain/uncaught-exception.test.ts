// An uncaught exception is logged, readiness flips, the server drains at once with a short deadline
// (2 s: requests shorter than that finish, longer ones are cut) and exits 1 (ExitCode.failure). During a
// SIGTERM drain, the exception cuts the shutdown delay short the same way. The exception comes from a
// fixture loaded with NODE_OPTIONS=--import that throws from a timer on SIGUSR2: no test hook in the server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode } from '../../src/core/errors.js';
import type { ServerProcess } from '../support/spawn-server.js';
import { throwOnSignal } from './fixtures.js';
import { exitOf, logTime, probe, RawH1, sleep, spawnEdge, startRecordingOrigin, type RecordingOrigin } from './support.js';

// src/main.ts crashDrainMs.
const crashDrainMs = 2000;
const marginMs = 1500;

describe('uncaught exception', () => {
  let origin: RecordingOrigin;
  before(async () => (origin = await startRecordingOrigin()));
  after(async () => origin.close());

  /** Starts two requests (0.8 s and 20 s), throws, and checks the crash drain from there to the exit. */
  async function crashWhileServing(server: ServerProcess, name: string): Promise<void> {
    const exit = exitOf(server);
    const quick = await RawH1.open(server.ports.h1!);
    const finishing = quick.get(`/slow/${name}-ok?ms=800`);
    const stuck = await RawH1.open(server.ports.h1!);
    const cut = stuck.get(`/slow/${name}-cut?ms=20000`).catch((e: Error) => e);
    while (origin.seen.filter((p) => p.startsWith(`/slow/${name}-`)).length < 2) await sleep(10);

    server.kill('SIGUSR2');
    const thrownAt = Date.now();
    const fatal = await server.waitForLog((e) => e.msg === 'uncaught exception');
    assert.equal(fatal.level, 'fatal');
    assert.match(String(fatal.err), /fixture: uncaught exception on SIGUSR2/);
    const drainAt = await logTime(server, 'listeners draining');
    assert.ok(drainAt - thrownAt < 1000, `listeners drained ${drainAt - thrownAt} ms after the exception (no delay)`);
    assert.equal((await probe(server.ports.h1!, '/readyz')).error, 'ECONNREFUSED', 'no longer accepting');

    const ok = await finishing;
    assert.equal(ok.status, 200, 'a request shorter than the crash deadline finishes');
    assert.equal(ok.body.toString(), `slow ${name}-ok\n`);
    assert.ok((await cut) instanceof Error, 'the longer one is cut at the crash deadline');
    const { code, at } = await exit;
    assert.equal(code, ExitCode.failure);
    assert.ok(at - thrownAt >= crashDrainMs - 100 && at - thrownAt < crashDrainMs + marginMs, `exited ${at - thrownAt} ms after the exception`);
    const done = await server.waitForLog((e) => e.msg === 'drain finished');
    assert.equal(done.requests_cut, 1);
    assert.equal(done.exit_code, ExitCode.failure, 'the log says the exit code the process exits with');
    console.log(`# ${name}: exited ${at - thrownAt} ms after the exception (crash deadline ${crashDrainMs} ms)`);
  }

  it('logs it, drains at once with a short deadline, exits 1', async () => {
    const server = await spawnEdge(origin, undefined, { NODE_OPTIONS: throwOnSignal, RWS_CONFIG_SHUTDOWN_DELAY_MS: '5000', RWS_CONFIG_DRAIN_TIMEOUT_MS: '20000' });
    try {
      await crashWhileServing(server, 'crash');
      const started = await server.waitForLog((e) => e.msg === 'drain started');
      assert.equal(started.reason, 'uncaughtException');
      assert.equal(started.delay_ms, 0);
      assert.equal(started.drain_timeout_ms, crashDrainMs);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('during the delay of a SIGTERM drain: the delay ends, the crash deadline applies, exits 1', async () => {
    const server = await spawnEdge(origin, undefined, { NODE_OPTIONS: throwOnSignal, RWS_CONFIG_SHUTDOWN_DELAY_MS: '10000', RWS_CONFIG_DRAIN_TIMEOUT_MS: '20000' });
    try {
      server.kill('SIGTERM');
      await server.waitForLog((e) => e.msg === 'drain started');
      // Readiness flipped with SIGTERM; the listeners still serve during the delay.
      assert.equal((await probe(server.ports.h1!, '/readyz')).status, 503);
      await crashWhileServing(server, 'term-crash');
    } finally {
      server.kill('SIGKILL');
    }
  });
});
