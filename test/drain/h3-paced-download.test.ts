// A download read at a paced rate (curl --http3-only --limit-rate) across an HTTP/3 drain completes in
// full. Acknowledged is not read: the client's QUIC stack acknowledges the last bytes while curl still
// holds them unread, and a CONNECTION_CLOSE sent right after that acknowledgement made Debian's curl 7.88
// lose the tail and spin until killed (2 of 3 drains here). The server now leaves a drained connection
// open for the client to close first, for a bounded linger (src/h3/h3-connection.ts, CLOSE_LINGER_MS).
// Three drains, each with its own server: without the linger, all three passing is unlikely.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { hasClient } from '../support/clients.js';
import { exitOf, logTime, makeRoot, sleep, spawnEdge, startRecordingOrigin, tempDir } from './support.js';
import { h3Curl } from './traffic.js';

const size = 32 * 1024 * 1024;
const skip = !hasClient('curl') ? 'curl with HTTP/3 is missing (bash scripts/install-clients.sh)' : false;

describe('h3 drain: a paced download completes', { skip }, () => {
  const root = makeRoot(size);
  for (const run of [1, 2, 3]) {
    it(`drain ${run}: the whole body arrives, the server exits 0 soon after`, async () => {
      const origin = await startRecordingOrigin();
      const server = await spawnEdge(origin, root, { RWS_CONFIG_SHUTDOWN_DELAY_MS: '300', RWS_CONFIG_DRAIN_TIMEOUT_MS: '20000' });
      try {
        const exit = exitOf(server);
        // ~16 MiB/s: the 32 MiB response runs ~2 s, past the start of the drain.
        const file = join(tempDir('rws-drain-paced-'), 'big.bin');
        const download = h3Curl(server.ports.h3!, '/big.bin', { sha256: root.sha256, size }, { limitRate: '16M', file });
        await sleep(200);
        server.kill('SIGTERM');
        const drainAt = await logTime(server, 'listeners draining');
        const o = await download;
        assert.equal(o.kind, 'ok', `${o.kind}: ${o.detail ?? ''}`);
        assert.ok(o.endAt > drainAt, 'the download was still running when the drain began');
        const e = await exit;
        assert.equal(e.code, 0, server.stderr());
        // curl closes the connection once done, which ends the linger early; the bound is the linger
        // (1 s) plus a margin for a loaded machine.
        assert.ok(e.at - o.endAt < 2000, `exited ${e.at - o.endAt} ms after the download ended`);
      } finally {
        server.kill('SIGKILL');
        await origin.close();
      }
    });
  }
});
