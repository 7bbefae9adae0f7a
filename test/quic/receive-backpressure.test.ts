// Receive backpressure: a handler that returns false from onStreamData gets nothing more on that
// stream until streamResumeRead(); the whole request body still arrives, through many pauses.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { answered, gtlsclient } from './gtlsclient.js';
import { startResponder } from './h3-responder.js';

test('a paused request stream receives nothing until resumed, and the body arrives whole', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'upload-')), 'body');
  writeFileSync(file, randomBytes(2 * 1024 * 1024));
  // A small stream window so the paused reader actually holds the sender back.
  const r = await startResponder(Buffer.from('got it\n'), { readPauseMs: 2, initialMaxStreamData: 256 * 1024 });
  try {
    const { output } = await gtlsclient(r.port, '/upload', { args: ['-m', 'POST', '-d', file], killAfterMs: 30_000 });
    assert.ok(answered(output), output.slice(-2000));
    assert.ok(r.stats.bodyBytes > 2 * 1024 * 1024, `received ${r.stats.bodyBytes}`); // body + HEADERS/DATA framing
    assert.ok(r.stats.pauses > 8, `paused ${r.stats.pauses} times`);
    assert.equal(r.stats.dataWhilePaused, 0);
  } finally {
    await r.engine.close();
  }
});
