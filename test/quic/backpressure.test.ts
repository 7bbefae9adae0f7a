// A 32 MiB response goes through the engine's send backpressure: streamSend never takes more than the
// client's flow-control window at once, onStreamWritable drives the rest, and the body arrives intact.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { answered, gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';

const MiB = 1024 * 1024;

test('a 32 MiB response is delivered complete under flow control', async () => {
  const body = Buffer.alloc(32 * MiB);
  for (let i = 0; i < body.length; i += 4) body.writeUInt32BE(i, i); // position-dependent, so reordering shows
  const r = await startResponder(body);
  try {
    // The client's receive windows: 1 MiB per stream, 4 MiB per connection.
    const { output, dir } = await gtlsclient(r.port, '/big', {
      args: ['--max-stream-data-bidi-local=1M', '--max-data=4M'],
      killAfterMs: 60_000,
    });
    assert.ok(answered(output), output.slice(-2000));
    const got = readFileSync(join(dir, 'big'));
    assert.equal(got.length, body.length);
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(body).digest('hex'));
    assert.equal(r.stats.responsesComplete, 1);
    // Never more than the stream window in one accepted write: the rest waited for credit.
    assert.ok(Math.max(...r.stats.accepted) <= MiB, `largest write ${Math.max(...r.stats.accepted)}`);
    assert.ok(r.stats.writableCalls >= 31, `onStreamWritable ran ${r.stats.writableCalls} times`);
  } finally {
    await r.engine.close();
  }
});
