// An unknown RWS_CONFIG_* variable is warned about, naming the closest known one; the server still starts.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnServer } from '../support/spawn-server.js';

it('warns about a misspelt variable and names the closest one', async () => {
  const p = await spawnServer({ RWS_CONFIG_TLS_PROT: '9' });
  try {
    const warning = await p.waitForLog((e) => typeof e.msg === 'string' && e.msg.includes('RWS_CONFIG_TLS_PROT'));
    assert.match(String(warning.msg), /did you mean RWS_CONFIG_TLS_PORT\?/);
  } finally {
    p.kill('SIGKILL');
    await p.exited;
  }
});
