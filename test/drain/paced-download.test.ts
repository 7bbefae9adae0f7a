// A download read at a paced rate across a drain completes in full, on HTTP/1.1 (undici, node's fetch;
// headers saying keep-alive) and HTTP/3 (curl --http3-only --limit-rate). In both, the client's stack
// has the last bytes before the client has read them, and a close that follows the last byte at once
// cost the tail: undici fails its body with "other side closed" when the FIN arrives before it parsed the
// last 64 KiB (4 of 8 drains here); Debian's curl 7.88 lost the last bytes and spun until killed when a
// CONNECTION_CLOSE followed its last ACK (2 of 3). So the server leaves such a connection open for a
// 500 ms linger (src/node-http/connection-tracker.ts; src/h3/h3-connection.ts, which also PINGs to wake
// curl), which ends sooner when the client closes. Several drains per protocol, each with its own server: without the lingers, all of
// them passing is unlikely (set either linger to 0 to see it fail).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client } from 'undici';
import { hasClient } from '../support/clients.js';
import { exitOf, logTime, makeRoot, sleep, spawnEdge, startRecordingOrigin, tempDir, type StaticRoot } from './support.js';
import { h1Get, h3Curl, type Outcome } from './traffic.js';
import type { ServerProcess } from '../support/spawn-server.js';

interface Case {
  proto: 'h1' | 'h3';
  size: number;
  runs: number;
  skip: string | false;
  /** Starts the download; returns its outcome and a cleanup. */
  start(server: ServerProcess, root: StaticRoot): { outcome: Promise<Outcome>; done(): Promise<void> };
}

const cases: Case[] = [
  {
    proto: 'h1',
    size: 64 * 1024 * 1024,
    runs: 4,
    skip: false,
    start(server, root) {
      const client = new Client(`http://127.0.0.1:${server.ports.h1}`);
      // ~26 MB/s: the response runs ~2.5 s, past the start of the drain.
      const outcome = h1Get(client, '/big.bin', { sha256: root.sha256, size: root.size }, root.size / 2500);
      return { outcome, done: () => client.destroy() };
    },
  },
  {
    proto: 'h3',
    size: 32 * 1024 * 1024,
    runs: 3,
    skip: hasClient('curl') ? false : 'curl with HTTP/3 is missing (bash scripts/install-clients.sh)',
    start(server, root) {
      // ~16 MiB/s: the response runs ~2 s, past the start of the drain.
      const file = join(tempDir('rws-drain-paced-'), 'big.bin');
      const outcome = h3Curl(server.ports.h3!, '/big.bin', { sha256: root.sha256, size: root.size }, { limitRate: '16M', file });
      return { outcome, done: async () => {} };
    },
  },
];

for (const c of cases) {
  describe(`${c.proto} drain: a paced download completes`, { skip: c.skip }, () => {
    const root = makeRoot(c.size);
    for (let run = 1; run <= c.runs; run++) {
      it(`drain ${run}: the whole body arrives, the server exits 0 within the linger`, async () => {
        const origin = await startRecordingOrigin();
        const server = await spawnEdge(origin, root, { RWS_CONFIG_SHUTDOWN_DELAY_MS: '300', RWS_CONFIG_DRAIN_TIMEOUT_MS: '20000' });
        const download = c.start(server, root);
        try {
          const exit = exitOf(server);
          await sleep(200);
          server.kill('SIGTERM');
          const drainAt = await logTime(server, 'listeners draining');
          const o = await download.outcome;
          assert.equal(o.kind, 'ok', `${o.kind}: ${o.detail ?? ''}`);
          assert.ok(o.endAt > drainAt, 'the download was still running when the drain began');
          const e = await exit;
          assert.equal(e.code, 0, server.stderr());
          // The drain's target is 500 ms after the last response (measured here: HTTP/1.1 ~350-400 ms,
          // the linger running from the server's last write; HTTP/3 ~30 ms, curl closing itself), plus a
          // margin for a loaded machine.
          assert.ok(e.at - o.endAt < 500 + 500, `exited ${e.at - o.endAt} ms after the download ended`);
        } finally {
          await download.done();
          server.kill('SIGKILL');
          await origin.close();
        }
      });
    }
  });
}
