// Buffered log lines survive the way out: a SIGTERM right after a burst, and a second signal (the exit
// path that skips the drain) both leave every access line on stdout. RWS_CONFIG_ACCESS_LOG and
// RWS_CONFIG_LOG_LEVEL switch lines off.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { accessEntries, eventually } from './support.js';

async function burst(p: ServerProcess, n: number, tag: string): Promise<void> {
  const agent = new Agent({ connections: 10 });
  try {
    for (let i = 0; i < n; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, n - i) }, async (_, j) => {
          const r = await request(`http://127.0.0.1:${p.ports.h1}/healthz`, { headers: { 'x-request-id': `${tag}-${i + j}` }, dispatcher: agent });
          await r.body.dump();
        }),
      );
    }
  } finally {
    await agent.destroy();
  }
}

const tagged = (p: ServerProcess, tag: string) => new Set(accessEntries(p).map((e) => e.req_id).filter((id) => String(id).startsWith(`${tag}-`)));

describe('log lines on the way out', () => {
  it('SIGTERM right after a burst: every access line, then the drain events, then exit 0', async () => {
    const p = await spawnServer();
    await burst(p, 300, 'term');
    p.kill('SIGTERM');
    assert.equal((await p.exited).code, 0);
    assert.equal(tagged(p, 'term').size, 300);
    const msgs = p.lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.ok(msgs.lastIndexOf('request') < msgs.indexOf('drain finished'), 'access lines come before the final event');
  });

  it('a second signal exits at once, and still writes every line', async () => {
    const p = await spawnServer({ RWS_CONFIG_SHUTDOWN_DELAY_MS: '30000' });
    await burst(p, 300, 'twice');
    p.kill('SIGTERM');
    await p.waitForLog((e) => e.msg === 'drain started');
    p.kill('SIGTERM');
    const exit = await p.exited;
    assert.notEqual(exit.code, 0);
    assert.equal(tagged(p, 'twice').size, 300);
    assert.ok(p.lines.some((l) => l.includes('second signal')));
  });
});

describe('log switches', () => {
  it('RWS_CONFIG_ACCESS_LOG=off: events, no access lines', async () => {
    const p = await spawnServer({ RWS_CONFIG_ACCESS_LOG: 'off' });
    await burst(p, 20, 'off');
    p.kill('SIGTERM');
    await p.exited;
    assert.equal(accessEntries(p).length, 0);
    assert.ok(p.lines.some((l) => l.includes('"drain finished"')));
  });

  it('RWS_CONFIG_LOG_LEVEL=warn: warnings only, no access lines', async () => {
    // Nothing announces the ports at this level, so the test picks the HTTP/1.1 port.
    const port = await freePort();
    const p = await spawnServer({ RWS_CONFIG_LOG_LEVEL: 'warn', RWS_CONFIG_PORT: String(port) }, [], { waitReady: false });
    p.ports.h1 = port;
    await eventually(async () => request(`http://127.0.0.1:${port}/readyz`).then((r) => r.statusCode, () => 0), (st) => st === 200, 10_000);
    await burst(p, 20, 'warn');
    p.kill('SIGTERM');
    await p.exited;
    assert.equal(accessEntries(p).length, 0);
    const levels = p.lines.map((l) => (JSON.parse(l) as { level: string }).level);
    assert.ok(levels.includes('warn'), 'the development-certificate warning');
    assert.ok(levels.every((l) => l === 'warn' || l === 'error' || l === 'fatal'), levels.join());
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
