// 64 KiB of request headers over HTTP/3 (64 fields of 1 KiB; the limit is RWS_CONFIG_MAX_HEADER_SIZE,
// 16 KiB by default, advertised as SETTINGS_MAX_FIELD_SECTION_SIZE): refused with 431, and the same
// QUIC connection then serves the next request (curl reuses it across --next: num_connects 0).
// Also a field section that fits in its HEADERS frame but decodes past the limit (Huffman-coded).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureSite } from '../conformance/site.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { assertAnswersH3, h3Url, runClient } from './support.js';
import { clients } from '../support/clients.js';

let server: TestServer;
before(async () => {
  server = await startServer({ RWS_CONFIG_ROOT: fixtureSite });
});
after(() => server.close());

/** Two requests on one curl connection: the first with `headers`, the second plain. */
async function twoOnOneConnection(headers: string[]): Promise<string[]> {
  const url = h3Url(server.ports.h3!, '/hello.txt');
  const common = ['--http3-only', '-k', '-sS', '--max-time', '10', '-o', '/dev/null', '-w', '%{http_version} %{http_code} %{num_connects}\\n'];
  const r = await runClient(clients().curl, [...common, ...headers.flatMap((h) => ['-H', h]), url, '--next', ...common, url]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.toString().trim().split('\n');
}

test('64 KiB of headers: 431, then the same connection answers 200', async () => {
  const kib = 'x'.repeat(1024);
  const headers = Array.from({ length: 64 }, (_, i) => `x-filler-${i}: ${kib}`);
  assert.deepEqual(await twoOnOneConnection(headers), ['3 431 1', '3 200 0']);
  await assertAnswersH3(server.ports.h3!);
});

test('a field section just over 16 KiB that fits in a HEADERS frame: 431 too', async () => {
  // 'x' Huffman-codes to 5 bits, so 16.3 KB of value is a ~10 KB frame but a >16 KiB field section.
  assert.deepEqual(await twoOnOneConnection([`x-filler: ${'x'.repeat(16_300)}`]), ['3 431 1', '3 200 0']);
});
