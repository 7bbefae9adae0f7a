// Thousands of garbage datagrams at the HTTP/3 port of a whole server (node:dgram on loopback): random
// bytes, truncated long headers, Initials of unknown versions and undecryptable v1 Initials, short
// headers with random connection ids. Sent while a download is in flight on a real connection: the
// download completes byte for byte, the drops are counted, and a new connection is served afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sumOf } from '../observability/exposition.js';
import { scrape } from '../observability/support.js';
import { sha256 } from '../proxy/support.js';
import { longHeaderDatagram } from '../quic/raw-udp.js';
import { startServer, type TestServer } from '../support/start-server.js';
import { assertAnswersH3, curlH3, settledH3Requests, tempRoot, type TempRoot } from './support.js';

const COUNT = 4000;
const SIZE = 2 * 1024 * 1024;
let root: TempRoot;
let server: TestServer;
let file: Buffer;

before(async () => {
  file = randomBytes(SIZE);
  root = await tempRoot({ 'file.bin': file });
  server = await startServer({ RWS_CONFIG_ROOT: root.dir });
});
after(async () => {
  await server?.close();
  await root?.remove();
});

function garbage(i: number): Buffer {
  switch (i % 5) {
    case 0: // random bytes of a random length, empty included
      return randomBytes(randomInt(0, 1500));
    case 1: // a long header cut short inside its connection ids
      return Buffer.concat([Buffer.from([0xc0, 0, 0, 0, 1]), randomBytes(randomInt(0, 10))]);
    case 2: // an Initial of a version nobody speaks (0x?a?a?a?a is reserved for exactly this, RFC 9000 §15)
      return longHeaderDatagram(0x1a2a3a4a + (i % 4), randomBytes(8), randomBytes(8), 1200);
    case 3: // a v1 Initial whose payload cannot be decrypted
      return Buffer.concat([longHeaderDatagram(1, randomBytes(8), randomBytes(8), 48), randomBytes(1200)]);
    default: // a short header for a connection that does not exist
      return Buffer.concat([Buffer.from([0x40 | randomInt(64)]), randomBytes(randomInt(20, 1300))]);
  }
}

test(`${COUNT} garbage datagrams during a download: it completes, the server still serves`, { timeout: 60_000 }, async () => {
  const port = server.ports.h3!;
  const dropsBefore = sumOf((await scrape(server.h1)).families, 'rws_quic_packets_dropped_total');
  const out = join(root.dir, 'download.bin');
  // Rate-limited so that the garbage arrives while the connection is busy.
  const download = curlH3(port, '/file.bin', ['-o', out, '--limit-rate', '1M', '-w', '%{http_version} %{http_code}']);
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    for (let i = 0; i < COUNT; i++) {
      socket.send(garbage(i), port, '127.0.0.1');
      if (i % 200 === 199) await new Promise((r) => setTimeout(r, 5)); // bounded bursts: stay within the socket buffer
    }
  } finally {
    socket.close();
  }
  const r = await download;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString(), '3 200');
  assert.equal(sha256(await readFile(out)), sha256(file));
  const drops = sumOf((await scrape(server.h1)).families, 'rws_quic_packets_dropped_total') - dropsBefore;
  assert.ok(drops > COUNT / 5, `only ${drops} drops counted for ${COUNT} garbage datagrams`);
  assert.equal(await settledH3Requests(server.h1), 0);
  await assertAnswersH3(port);
});
