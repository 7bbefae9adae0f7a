// Headless Chromium loads the bundled site (public/) over HTTP/3: QUIC forced for the origin, the
// development certificate trusted by its SPKI hash, and the DOM dumped after public/protocol.js has
// written the navigation's nextHopProtocol into it. Chromium exits 0 even when the page fails, so
// the dumped DOM is what is judged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/package-root.js';
import { clients } from '../support/clients.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { assertAnswersH3, h3Url, runClient } from './support.js';

let server: TestServer;
let profile: string;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: join(packageRoot, 'public') });
  profile = await mkdtemp(join(tmpdir(), 'rws-chromium-'));
});
after(async () => {
  await server?.close();
  await rm(profile, { recursive: true, force: true });
});

test('Chromium loads / over HTTP/3 and the page says h3', { timeout: 60_000 }, async () => {
  const port = server.ports.h3!;
  const spki = (await readFile(join(packageRoot, 'certs-dev', 'spki.txt'), 'utf8')).trim();
  const r = await runClient(
    clients().chromium,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`,
      `--origin-to-force-quic-on=127.0.0.1:${port}`, `--ignore-certificate-errors-spki-list=${spki}`,
      '--dump-dom', h3Url(port, '/'),
    ],
    { timeoutMs: 50_000 },
  );
  const dom = r.stdout.toString();
  assert.match(dom, /<html[^>]* data-protocol="h3"/, `no h3 in the DOM; stderr: ${r.stderr.split('\n').filter((l) => /fail|ERR_/i.test(l)).join('\n')}`);
  assert.match(dom, /<strong id="protocol">h3<\/strong>/);
  await assertAnswersH3(port);
});
