// rws_ready and rws_draining read the lifecycle at scrape time: 1/0 while serving, 0/1 once draining.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/start-server.js';
import { valueOf } from './exposition.js';
import { scrape } from './support.js';

describe('readiness gauges', () => {
  it('follow the lifecycle: ready, then draining during the shutdown delay', async () => {
    const s = await startServer({ RWS_CONFIG_SHUTDOWN_DELAY_MS: '400' });
    const serving = (await scrape(s.h1)).families;
    assert.equal(valueOf(serving, 'rws_ready'), 1);
    assert.equal(valueOf(serving, 'rws_draining'), 0);
    const done = s.server.shutdown.run('test');
    try {
      const draining = (await scrape(s.h1)).families;
      assert.equal(valueOf(draining, 'rws_ready'), 0);
      assert.equal(valueOf(draining, 'rws_draining'), 1);
    } finally {
      await done;
    }
  });
});
