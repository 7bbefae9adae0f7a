// The default text format, in a real process: one combined-log-style line per request with escaped
// quoted fields, and lifecycle events as "time LEVEL msg key=value" lines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { closeAll, eventually, protocolClients, readyPorts, send } from './support.js';

// remote - - [time] "METHOD target VERSION" status bytes "referer" "user agent" 1.234ms req_id=… [upstream_ms=…]
const accessLine = /^(\S+) - - \[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\] ("(?:[^"\\]|\\.)*") (\d{3}) (\d+) ("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*") (\d+\.\d{3})ms req_id=(\S+)( upstream_ms=\d+\.\d{3})?( aborted)?$/;

describe('text access log (the default)', () => {
  let p: ServerProcess;
  const clients = protocolClients();
  before(async () => {
    p = await spawnServer({ RWS_CONFIG_LOG_FORMAT: 'text' }, [], { waitReady: false });
    await readyPorts(p);
  });
  after(async () => {
    await closeAll(clients);
    p.kill();
    await p.exited;
  });

  it('writes lifecycle events as readable lines', () => {
    assert.ok(p.ports.h1! > 0 && p.ports.tls! > 0);
    const ready = p.lines.find((l) => / INFO ready /.test(l))!;
    assert.match(ready, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO ready ports=\{.*"h1":\d+/);
  });

  for (const c of clients) {
    it(`${c.protocol}: one line per request, in the combined format with escaped quotes`, async () => {
      const id = `text-${c.protocol}`;
      const ua = 'agent "with quotes" and \\ backslash';
      const r = await send(c, p, '/healthz?x=%22y%22', { headers: { 'x-request-id': id, 'user-agent': ua, referer: 'https://r.example/' } });
      assert.equal(r.status, 200);
      const lines = await eventually(async () => p.lines.filter((l) => l.endsWith(`req_id=${id}`)), (ls) => ls.length > 0);
      assert.equal(lines.length, 1, p.lines.join('\n'));
      const m = accessLine.exec(lines[0]!);
      assert.ok(m, lines[0]);
      const version = { h1: 'HTTP/1.1', h2: 'HTTP/2', h3: 'HTTP/3' }[c.protocol];
      assert.equal(m[1], '127.0.0.1');
      assert.equal(JSON.parse(m[3]!), `GET /healthz?x=%22y%22 ${version}`);
      assert.equal(m[4], '200');
      assert.equal(m[5], '3');
      assert.equal(JSON.parse(m[6]!), 'https://r.example/');
      assert.equal(JSON.parse(m[7]!), ua);
    });
  }

  it('an HTTP/1.0 request is logged as HTTP/1.0', async () => {
    const socket = connect(p.ports.h1!, '127.0.0.1');
    socket.write('GET /healthz HTTP/1.0\r\nX-Request-Id: text-h10\r\n\r\n');
    socket.resume();
    await new Promise((resolve) => socket.once('close', resolve));
    const lines = await eventually(async () => p.lines.filter((l) => l.endsWith('req_id=text-h10')), (ls) => ls.length > 0);
    const m = accessLine.exec(lines[0]!);
    assert.ok(m, lines[0]);
    assert.equal(JSON.parse(m[3]!), 'GET /healthz HTTP/1.0');
  });

  it('no stdout line is JSON', () => {
    for (const line of p.lines) assert.ok(!line.startsWith('{'), line);
  });
});
