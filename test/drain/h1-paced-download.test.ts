// A keep-alive download that undici (node's fetch) reads at a paced rate across an HTTP/1.1 drain
// completes in full. Its headers said keep-alive, so the server closes the connection after the
// response; undici fails a body it is still reading when the FIN arrives ("other side closed", the last
// 64 KiB lost: 4 of 8 drains here with an immediate close). The server leaves such a connection open for
// a 1 s linger (src/node-http/connection-tracker.ts, keepAliveLingerMs). Four drains, each with its own
// server: without the linger, all four passing is unlikely.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'undici';
import { exitOf, logTime, makeRoot, sleep, spawnEdge, startRecordingOrigin } from './support.js';
import { h1Get } from './traffic.js';

const size = 64 * 1024 * 1024;

describe('h1 drain: a paced keep-alive download completes', () => {
  const root = makeRoot(size);
  for (const run of [1, 2, 3, 4]) {
    it(`drain ${run}: the whole body arrives, the connection closes after the linger, exit 0`, async () => {
      const origin = await startRecordingOrigin();
      const server = await spawnEdge(origin, root, { RWS_CONFIG_SHUTDOWN_DELAY_MS: '300', RWS_CONFIG_DRAIN_TIMEOUT_MS: '20000' });
      const client = new Client(`http://127.0.0.1:${server.ports.h1}`);
      try {
        const exit = exitOf(server);
        // ~26 MB/s: the response runs ~2.5 s, past the start of the drain.
        const download = h1Get(client, '/big.bin', { sha256: root.sha256, size }, size / 2500);
        await sleep(200);
        server.kill('SIGTERM');
        const drainAt = await logTime(server, 'listeners draining');
        const o = await download;
        assert.equal(o.kind, 'ok', `${o.kind}: ${o.detail ?? ''}`);
        assert.ok(o.endAt > drainAt, 'the download was still running when the drain began');
        const e = await exit;
        assert.equal(e.code, 0, server.stderr());
        // The linger (1 s after the server's last write, which precedes the client's last read) plus a
        // margin for a loaded machine.
        assert.ok(e.at - o.endAt < 1500, `exited ${e.at - o.endAt} ms after the download ended`);
      } finally {
        await client.destroy();
        server.kill('SIGKILL');
        await origin.close();
      }
    });
  }
});
