// More HTTP/2 streams than RWS_CONFIG_MAX_CONCURRENT_STREAMS (100), RFC 9113 §5.1.2:
// - a client that opens 150 streams before it has acknowledged the server's SETTINGS (the limit is
//   then still pending, §6.5.3) gets 100 answered and the other 50 refused with REFUSED_STREAM (safe to
//   retry, §8.7); the connection stays usable once streams free up;
// - a client that opens 150 after acknowledging the limit is violating it, and nghttp2 (node) closes
//   its connection (a PROTOCOL_ERROR connection error);
// 20 of each while well-behaved HTTP/2 and HTTP/1.1 clients are served. The streams ask for a file
// larger than the initial flow-control window, so they stay open until the test resets them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { H2, H2Code, H2Wire, request, rstStream } from '../support/h2-frames.js';
import { blob, MiB, sleep, startTarget, underAttack, type Target } from './support.js';

const LIMIT = 100;
const OPENED = 150;
let target: Target;
before(async () => {
  target = await startTarget({ RWS_CONFIG_MAX_CONCURRENT_STREAMS: String(LIMIT), RWS_CONFIG_COMPRESSION: 'off' }, { 'big.bin': blob(MiB) });
});
after(() => target?.stop());

const ids = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + 2 * i);

async function beforeAck(): Promise<void> {
  const wire = await H2Wire.open(target.ports.tls!, { ackSettings: false, first: ids(OPENED).map((id) => request(id, '/big.bin')) });
  try {
    assert.ok(await wire.until(() => wire.answered.size + wire.resets.size >= OPENED, 5000), `${wire.answered.size} answered, ${wire.resets.size} reset`);
    assert.equal(wire.answered.size, LIMIT);
    const refused = [...wire.resets].filter(([, code]) => code === H2Code.REFUSED_STREAM).map(([id]) => id);
    assert.deepEqual(refused, ids(OPENED - LIMIT, 2 * LIMIT + 1), 'the streams past the limit were refused');
    // Free the slots, then the same connection serves a new stream.
    await wire.send(...ids(LIMIT).map((id) => rstStream(id, H2Code.CANCEL)), request(2 * OPENED + 1, '/hello.txt'));
    assert.ok(await wire.until(() => wire.answered.has(2 * OPENED + 1), 5000), 'a stream opened afterwards is answered');
    assert.equal(wire.goaway, null);
  } finally {
    wire.close();
  }
}

async function afterAck(): Promise<void> {
  const wire = await H2Wire.open(target.ports.tls!);
  try {
    assert.ok(await wire.until(() => wire.count(H2.SETTINGS) >= 2, 5000), "the server's SETTINGS and its ack");
    await sleep(50); // our ACK of its SETTINGS is on its way: the limit is in force
    await wire.send(...ids(OPENED).map((id) => request(id, '/big.bin')));
    const closed = await Promise.race([wire.closed.then(() => true), sleep(5000).then(() => false)]);
    assert.ok(closed, 'the violating connection was closed');
    assert.ok(wire.answered.size <= LIMIT, `${wire.answered.size} streams answered`);
  } finally {
    wire.close();
  }
}

test('150 streams before the SETTINGS ack: 100 answered, 50 REFUSED_STREAM, connection usable', beforeAck);

test('150 streams after the SETTINGS ack: the connection is closed', afterAck);

test('20 clients of each kind while well-behaved clients are served', async () => {
  await underAttack(target, 'h2 streams past the limit x40', async () => {
    for (let i = 0; i < 10; i++) await Promise.all([beforeAck(), beforeAck(), afterAck(), afterAck()]);
  });
});
