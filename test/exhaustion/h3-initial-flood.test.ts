// A handshake flood over HTTP/3: thousands of genuine QUIC v1 client Initials (quiche's, ≥ 1200 bytes,
// each with its own random DCID) from 100 source ports, none of which ever continues its handshake.
// - With RWS_CONFIG_H3_RETRY=auto, the server keeps connection state for the first handshakes only,
//   then answers with Retry (stateless, RFC 9000 §8.1.2): rws_quic_retry_sent_total moves by thousands,
//   memory stays flat, and HTTP/3 clients that follow the Retry (curl) are served all along.
// - Flooders that do follow the Retry (real source addresses) get state, but only up to
//   RWS_CONFIG_H3_MAX_CONNECTIONS: the rest are dropped (packets_dropped{reason="connection_limit"}).
//   While the table is full, new HTTP/3 clients are turned away too (that is what the bound means;
//   HTTP/1.1 and HTTP/2 are served); the stalled handshakes end at the QUIC idle timeout
//   (RWS_CONFIG_H3_IDLE_TIMEOUT_MS) and HTTP/3 serves again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { assertAnswersH3 } from '../h3/support.js';
import { clientConnection, pending } from '../support/quic-client.js';
import { sleep, startTarget, tick, underAttack, type Target } from './support.js';

const MAX_CONNECTIONS = 200;
const IDLE_MS = 2000;
let target: Target;
const sockets: dgram.Socket[] = [];

before(async () => {
  target = await startTarget({ RWS_CONFIG_H3_RETRY: 'auto', RWS_CONFIG_H3_MAX_CONNECTIONS: String(MAX_CONNECTIONS), RWS_CONFIG_H3_IDLE_TIMEOUT_MS: String(IDLE_MS) });
});
after(async () => {
  for (const s of sockets) s.close();
  await target?.stop();
});

/** `n` bound UDP sockets on 127.0.0.1 (distinct source ports); replies are read and discarded. */
async function bindSockets(n: number): Promise<dgram.Socket[]> {
  const out = await Promise.all(
    Array.from({ length: n }, async () => {
      const s = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
      return s;
    }),
  );
  sockets.push(...out);
  return out;
}

async function dropped(reason: string): Promise<number> {
  return target.metric('rws_quic_packets_dropped_total', { reason });
}

test('4000 Initials from 100 ports: Retry under the flood, flat memory, HTTP/3 clients served', async () => {
  const flood = 4000;
  const from = await bindSockets(100);
  const retriesBefore = await target.metric('rws_quic_retry_sent_total');
  await underAttack(
    target,
    `h3 flood of ${flood} Initials`,
    async () => {
      for (let i = 0; i < flood; i++) {
        const s = from[i % from.length]!;
        const [initial] = pending(clientConnection(target.ports.tls!, s.address().port));
        assert.ok(initial !== undefined && initial.length >= 1200, 'a padded client Initial');
        s.send(initial, target.ports.tls!, '127.0.0.1');
        if (i % 100 === 99) await tick();
      }
      await sleep(500);
    },
    { protocols: ['h3', 'h1'] },
  );
  const retries = (await target.metric('rws_quic_retry_sent_total')) - retriesBefore;
  console.log(`h3 Initial flood: ${retries} Retry packets for ${flood} Initials`);
  assert.ok(retries >= flood / 2, `${retries} Retry packets sent`);
});

test('flooders that follow the Retry: state stops at RWS_CONFIG_H3_MAX_CONNECTIONS, freed at the idle timeout', async () => {
  const flood = 2 * MAX_CONNECTIONS;
  const from = await bindSockets(flood);
  const limitedBefore = await dropped('connection_limit');
  await underAttack(target, `h3 ${flood} Retry-validated stalled handshakes`, async () => {
    await Promise.all(from.map((s) => stallAfterRetry(s)));
    await sleep(300);
  }, { minRounds: 1 });
  const limited = (await dropped('connection_limit')) - limitedBefore;
  console.log(`h3 validated flood: ${limited} Initials dropped at the connection limit of ${MAX_CONNECTIONS}`);
  assert.ok(limited >= flood - MAX_CONNECTIONS, `${limited} dropped at the limit`);
  await sleep(IDLE_MS + 1000);
  await assertAnswersH3(target.ports.tls!);
});

/** Sends an Initial from `s`, answers the server's Retry with the token-carrying Initial, then goes silent. */
async function stallAfterRetry(s: dgram.Socket): Promise<void> {
  const local = { host: '127.0.0.1', port: s.address().port };
  const conn = clientConnection(target.ports.tls!, local.port);
  const retried = new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), 3000);
    s.once('message', (msg, rinfo) => {
      clearTimeout(t);
      try {
        conn.recv(msg, { from: { host: rinfo.address, port: rinfo.port }, to: local });
      } catch {
        // not for quiche
      }
      for (const d of pending(conn)) s.send(d, target.ports.tls!, '127.0.0.1');
      resolve(true);
    });
  });
  for (const d of pending(conn)) s.send(d, target.ports.tls!, '127.0.0.1');
  assert.ok(await retried, 'the server answered the Initial');
}
