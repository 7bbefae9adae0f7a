// The access log's `bytes` of pipelined HTTP/1.1 responses (plain, and over TLS) that were still queued
// behind another when the client left: none of their body was sent, so each says 0 (and aborted), though
// the core had answered and its file's first chunk had been read into node's buffer for it. The response
// that was being written says what it sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempRoot, type TempRoot } from '../h3/support.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { waitForAccess } from './support.js';

const QUEUED = 9;
let server: ServerProcess;
let root: TempRoot;
before(async () => {
  // Larger than the socket buffers take from a client that does not read: its response stays under way.
  root = await tempRoot({ 'huge.bin': Buffer.alloc(16 * 1024 * 1024, 7), 'hello.txt': 'hello\n' });
  server = await spawnServer({ RWS_CONFIG_ROOT: root.dir });
});
after(async () => {
  server?.kill('SIGKILL');
  await server?.exited;
  await root?.remove();
});

const listeners: [string, () => Socket, string][] = [
  ['plain', () => tcpConnect(server.ports.h1!, '127.0.0.1'), 'connect'],
  ['TLS', () => tlsConnect({ port: server.ports.tls!, host: '127.0.0.1', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false }), 'secureConnect'],
];

for (const [name, connect, connected] of listeners) {
  test(`${name}: responses still queued when the client leaves are logged with 0 bytes sent`, async () => {
    const socket = connect();
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once(connected, resolve));
    socket.pause();
    let requests = `GET /huge.bin?${name} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    for (let i = 0; i < QUEUED; i++) requests += `GET /hello.txt?${name}-${i} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    socket.write(requests);
    // The first response is under way; the others are answered by the core meanwhile, queued behind it.
    await new Promise((resolve) => socket.once('readable', resolve));
    await sleep(300);
    socket.destroy();

    const queued = await waitForAccess(server, (e) => String(e.path).startsWith(`/hello.txt?${name}-`), QUEUED);
    for (const e of queued) assert.deepEqual([e.path, e.status, e.bytes, e.aborted], [e.path, 200, 0, true]);
    const [first] = await waitForAccess(server, (e) => e.path === `/huge.bin?${name}`);
    assert.equal(first!.aborted, true);
    assert.ok((first!.bytes as number) > 0, `the response under way sent ${String(first!.bytes)} bytes`);
  });
}
