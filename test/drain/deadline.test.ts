// The drain deadline: a request still running when RWS_CONFIG_DRAIN_TIMEOUT_MS passes is cut, shorter
// ones finish, and the process exits 3 (ExitCode.drainTimeout) saying how many requests were cut where.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { ExitCode } from '../../src/core/errors.js';
import { exitOf, logTime, RawH1, sleep, useEdge } from './support.js';

const drainTimeoutMs = 600;

describe('drain deadline', () => {
  const edge = useEdge({ RWS_CONFIG_SHUTDOWN_DELAY_MS: '0', RWS_CONFIG_DRAIN_TIMEOUT_MS: String(drainTimeoutMs) });

  it('cuts what is left at the deadline, exits 3 and logs requests_cut', async () => {

    const { origin, server } = edge;
    const exit = exitOf(server);
    const h1 = await RawH1.open(server.ports.h1!);
    const h1Long = h1.get('/slow/h1long?ms=10000');
    const short = await RawH1.open(server.ports.h1!);
    const h1Short = short.get('/slow/h1short?ms=300');
    const session = connect(`https://127.0.0.1:${server.ports.tls}`, { rejectUnauthorized: false });
    session.on('error', () => {});
    const stream = session.request({ ':path': '/slow/h2long?ms=10000' });
    const h2Long = new Promise<string>((resolve) => {
      stream.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      stream.on('close', () => resolve(`closed with rst code ${stream.rstCode}`));
      stream.resume();
    });
    while (origin.seen.length < 3) await sleep(10);

    server.kill('SIGTERM');
    const drainAt = await logTime(server, 'listeners draining');
    assert.equal((await h1Short).status, 200, 'a request shorter than the deadline finishes');
    await assert.rejects(h1Long, /closed before a complete response/);
    assert.match(await h2Long, /ERR_HTTP2_STREAM_ERROR|rst code 8/, 'the HTTP/2 stream is reset (CANCEL)');

    const { code, at } = await exit;
    assert.equal(code, ExitCode.drainTimeout);
    const took = at - drainAt;
    assert.ok(took >= drainTimeoutMs - 50 && took < drainTimeoutMs + 1500, `exited ${took} ms after the drain began; deadline ${drainTimeoutMs} ms`);
    const done = await server.waitForLog((e) => e.msg === 'drain finished');
    assert.equal(done.level, 'error');
    assert.equal(done.requests_cut, 2);
    assert.deepEqual(done.cut_by_listener, { h1: 1, tls: 1 });
    assert.equal(done.exit_code, ExitCode.drainTimeout);
    session.destroy();
    console.log(`# deadline: exited ${took} ms after the drain began (deadline ${drainTimeoutMs} ms)`);
  });
});
