// rws_connections_cut_total counts the connections the edge closes on its own, and only those: a
// request node's HTTP/1.1 parser refuses is one (plain, and over TLS); a client that resets its own
// connection mid-request is not, though node reports its ECONNRESET through the same 'clientError'.
// Every reason is exposed at zero from the start, so rate() and alerts work before the first cut. The
// other reasons are counted where their limits are tested (test/exhaustion: h1-slow-loris,
// oversized-headers, h1-pipelining-gauge, h2-rapid-reset, h2-control-floods, h2-vanished-client).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { sumOf } from './exposition.js';
import { scrape } from './support.js';

let server: ServerProcess;
before(async () => {
  server = await spawnServer({ RWS_CONFIG_LOG_LEVEL: 'debug' });
});
after(async () => {
  server?.kill('SIGKILL');
  await server?.exited;
});

const cuts = async (labels: Record<string, string>): Promise<number> =>
  sumOf((await scrape(`http://127.0.0.1:${server.ports.h1}`)).families, 'rws_connections_cut_total', labels);

/** A connection and, for TLS, the TCP socket under it (what a reset is sent on). */
interface Opened {
  socket: Socket;
  tcp: Socket;
}

const listeners: [string, () => Promise<Opened>][] = [
  [
    'plain',
    async () => {
      const tcp = tcpConnect(server.ports.h1!, '127.0.0.1');
      return { socket: await ready(tcp, 'connect'), tcp };
    },
  ],
  [
    'TLS',
    async () => {
      const tcp = tcpConnect(server.ports.tls!, '127.0.0.1');
      tcp.on('error', () => {});
      const socket = tlsConnect({ socket: tcp, ALPNProtocols: ['http/1.1'], rejectUnauthorized: false });
      return { socket: await ready(socket, 'secureConnect'), tcp };
    },
  ],
];

async function ready(socket: Socket, event: string): Promise<Socket> {
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once(event, resolve));
  return socket;
}

/** What the server answers before closing. */
function answerOf(socket: Socket): Promise<string> {
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (text += d));
  return new Promise((resolve) => socket.once('close', () => resolve(text)));
}

test('every reason is exposed at zero before any cut', async () => {
  const { families } = await scrape(`http://127.0.0.1:${server.ports.h1}`);
  const samples = families.get('rws_connections_cut_total')?.samples ?? [];
  const seen = samples.map((s) => `${s.labels.protocol}/${s.labels.reason}=${s.value}`).sort();
  assert.deepEqual(seen, [
    'h1/bad_request=0',
    'h1/headers_too_large=0',
    'h1/pipeline_limit=0',
    'h1/request_timeout=0',
    'h2/flood=0',
    'h2/reset_limit=0',
    'h2/unresponsive=0',
  ]);
});

for (const [name, open] of listeners) {
  test(`${name}: a request line the parser refuses is answered 400 and counted as bad_request, with a debug line`, async () => {
    const before = await cuts({ protocol: 'h1', reason: 'bad_request' });
    const { socket } = await open();
    const answer = answerOf(socket);
    socket.write(`GET /\x01${name} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(await answer, /^HTTP\/1\.1 400 /);
    assert.equal((await cuts({ protocol: 'h1', reason: 'bad_request' })) - before, 1);
    const line = await server.waitForLog((e) => e.msg === 'connection cut' && e.reason === 'bad_request', 2000);
    assert.deepEqual([line.level, line.protocol, line.remote_addr], ['debug', 'h1', '127.0.0.1']);
  });

  test(`${name}: a client that resets its connection mid-request is not counted`, async () => {
    const before = await cuts({ protocol: 'h1' });
    const { socket, tcp } = await open();
    socket.write('GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ');
    await sleep(100);
    // An RST (SO_LINGER 0) rather than a FIN: node's socket gets ECONNRESET and passes it to 'clientError'.
    tcp.resetAndDestroy();
    await sleep(300);
    assert.equal((await cuts({ protocol: 'h1' })) - before, 0);
  });
}
