// A handler that throws costs its own connection (closed with INTERNAL_ERROR, reported as
// handler_error), not the engine: the next connection is served normally.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answered, gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';

test('a throwing handler closes its connection and the engine keeps serving', async () => {
  const r = await startResponder(Buffer.from('fine\n'), { throwOnFirstRequest: true });
  try {
    const first = await gtlsclient(r.port, '/');
    assert.ok(!answered(first.output));
    assert.match(first.output, /CONNECTION_CLOSE\(0x1c\) error_code=INTERNAL_ERROR\(0x1\)/, first.output.slice(-1500));
    assert.equal(r.count('handler_error'), 1);
    const second = await gtlsclient(r.port, '/');
    assert.ok(answered(second.output), second.output.slice(-2000));
  } finally {
    await r.engine.close();
  }
});
