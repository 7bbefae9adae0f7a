// The inbound overhead bound: a peer whose authenticated non-stream bytes exceed the budget is closed
// with PROTOCOL_VIOLATION. A tiny budget trips on the handshake's own bytes (the client's padded
// Initials), which exercises the whole path; the default budget serves every other test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';

test('exceeding inboundOverheadLimit closes the connection with PROTOCOL_VIOLATION', async () => {
  const r = await startResponder(Buffer.from('never sent\n'), { inboundOverheadLimit: 500 });
  try {
    const { output } = await gtlsclient(r.port, '/');
    assert.equal(r.count('limit_exceeded'), 1);
    assert.equal(r.stats.responsesComplete, 0);
    await r.until(() => r.stats.closed.length === 1);
    assert.deepEqual(r.stats.closed[0], { appError: false, code: 0xa, local: true, idleTimeout: false });
    assert.match(output, /CONNECTION_CLOSE\(0x1c\) error_code=PROTOCOL_VIOLATION\(0xa\).*excessive non-stream data/, output.slice(-1500));
  } finally {
    await r.engine.close();
  }
});
