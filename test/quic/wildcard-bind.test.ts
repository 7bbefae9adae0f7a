// A wildcard host binds one socket per local address, so every reply leaves from the address the
// client sent to (node:dgram cannot set a reply's source address on a wildcard socket).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { answered, gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';
import { exchange, longHeaderDatagram } from './raw-udp.js';

const local = (family: 'IPv4' | 'IPv6'): string[] =>
  Object.values(networkInterfaces())
    .flatMap((l) => l ?? [])
    .filter((a) => a.family === family && !a.address.startsWith('fe80:'))
    .map((a) => a.address);

async function assertRepliesFromEachAddress(port: number, addresses: string[]): Promise<void> {
  for (const address of addresses) {
    // An unknown version draws a Version Negotiation reply: a stateless probe of the reply path.
    const replies = await exchange(address, port, longHeaderDatagram(0x0a0a0a0a, randomBytes(8), randomBytes(8)));
    assert.equal(replies.length, 1, `a reply to ${address}`);
    assert.equal(replies[0]!.from, address, `the reply to ${address} comes from ${address}`);
  }
}

test("host '0.0.0.0': one socket per IPv4 address, replies from the address the client used", async () => {
  const r = await startResponder(Buffer.from('wildcard\n'), { host: '0.0.0.0' });
  try {
    const v4 = local('IPv4');
    assert.deepEqual(r.addresses.map((a) => a.address).sort(), [...v4].sort());
    assert.ok(r.addresses.every((a) => a.port === r.port), 'one port on every socket');
    await assertRepliesFromEachAddress(r.port, v4);
    const { output } = await gtlsclient(r.port, '/');
    assert.ok(answered(output), output.slice(-2000));
  } finally {
    await r.engine.close();
  }
});

test("host '::': IPv6 and IPv4 addresses, link-local skipped", async () => {
  const r = await startResponder(Buffer.from('wildcard6\n'), { host: '::' });
  try {
    const all = [...local('IPv4'), ...local('IPv6')];
    assert.deepEqual(r.addresses.map((a) => a.address).sort(), [...all].sort());
    await assertRepliesFromEachAddress(r.port, all);
    if (all.includes('::1')) {
      const { output } = await gtlsclient(r.port, '/', { host: '::1' });
      assert.ok(answered(output), output.slice(-2000));
    }
  } finally {
    await r.engine.close();
  }
});
