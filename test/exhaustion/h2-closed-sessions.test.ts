// A closed HTTP/2 session is released at once, not held for the idle timeout. node leaves a closed
// session's idle timer armed, and the timer's callback holds the session (src/h2/idle-timer.ts): a
// client that opened and closed connections in a loop kept every one of them in the server's heap for
// RWS_CONFIG_IDLE_TIMEOUT_MS (120 s). The server's heap is read from a snapshot it writes on SIGUSR2
// (node's --heapsnapshot-signal): after 300 connections, each closed once its request is answered, it
// holds no ServerHttp2Session (before the fix: one per connection).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:http2';
import { eventually } from '../observability/support.js';
import { startTarget, type Target } from './support.js';

const CONNECTIONS = 300;
let dir: string;
let target: Target;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rws-heap-'));
  target = await startTarget({}, {}, ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`]);
});
after(async () => {
  await target?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** One HTTP/2 connection, one request, then the client closes it (GOAWAY, then its socket). */
function oneRequest(): Promise<void> {
  return new Promise((resolve, reject) => {
    const session = connect(target.tls, { rejectUnauthorized: false });
    session.on('error', reject);
    const stream = session.request({ ':path': '/hello.txt' });
    stream.on('error', reject);
    stream.resume();
    stream.on('end', () => session.close(resolve));
  });
}

/** Objects of each constructor name in a V8 heap snapshot (.heapsnapshot JSON). */
function countObjects(snapshot: string, name: string): number {
  const s = JSON.parse(snapshot) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const objectType = s.snapshot.meta.node_types[0].indexOf('object');
  let n = 0;
  for (let i = 0; i < s.nodes.length; i += width) {
    if (s.nodes[i + typeAt] === objectType && s.strings[s.nodes[i + nameAt]!] === name) n++;
  }
  return n;
}

/** Asks the server for a heap snapshot and returns its text once the file is complete. */
async function heapSnapshot(): Promise<string> {
  target.proc.kill('SIGUSR2');
  // node writes the snapshot synchronously on its main thread: once the server answers again, it is done.
  const file = await eventually(
    async () => (await readdir(dir)).find((f) => f.endsWith('.heapsnapshot')),
    (f) => f !== undefined,
    30_000,
  );
  assert.ok(file !== undefined, 'the server wrote a heap snapshot');
  await target.metric('http_active_connections');
  return readFile(join(dir, file), 'utf8');
}

test(`${CONNECTIONS} HTTP/2 connections closed by their clients leave no session in the server's heap`, async () => {
  for (let i = 0; i < CONNECTIONS; i += 10) await Promise.all(Array.from({ length: 10 }, oneRequest));
  const open = await eventually(() => target.metric('http_active_connections', { protocol: 'h2' }), (n) => n === 0, 5000);
  assert.equal(open, 0, 'every connection is closed on the server');
  const sessions = countObjects(await heapSnapshot(), 'ServerHttp2Session');
  console.log(`heap after ${CONNECTIONS} closed HTTP/2 connections: ${sessions} ServerHttp2Session objects`);
  assert.ok(sessions < 10, `${sessions} closed sessions are still held`);
});
