// The metadata memo keeps results for 1 s: a changed, added or removed file is served as it is on disk
// once that second has passed, with a new ETag, and never with a stale Content-Length: a file read
// from disk is checked against its memoised metadata when it is opened.
import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, it } from 'node:test';
import { startServer, type TestServer } from '../support/start-server.js';

const TTL_MS = 1000;
let dir: string;
let server: TestServer;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rws-changes-'));
  server = await startServer({ RWS_CONFIG_ROOT: dir, RWS_CONFIG_TLS: 'off' });
});

after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

it('serves a file added, changed and removed after start, within the memo lifetime', async () => {
  const url = server.h1 + '/f.txt';
  assert.equal((await fetch(url)).status, 404);
  await writeFile(join(dir, 'f.txt'), 'one\n');
  await wait(TTL_MS + 100);
  const first = await fetch(url);
  assert.equal(await first.text(), 'one\n');
  await writeFile(join(dir, 'f.txt'), 'second version\n');
  await utimes(join(dir, 'f.txt'), new Date(), new Date(Date.now() + 5000));
  await wait(TTL_MS + 100);
  const second = await fetch(url);
  assert.equal(await second.text(), 'second version\n');
  assert.notEqual(second.headers.get('etag'), first.headers.get('etag'));
  await unlink(join(dir, 'f.txt'));
  await wait(TTL_MS + 100);
  assert.equal((await fetch(url)).status, 404);
});

// A file replaced (another file renamed over it) or rewritten at another size while its metadata is
// memoised: every answer must describe the bytes it carries, and those are the new file's. Each check
// gets its own file, so that its memo entry still holds the old version when the request comes.
interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(method: 'GET' | 'HEAD', path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(server.h1 + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const lines = (ch: string, size: number): Buffer => Buffer.alloc(size, `${ch.repeat(63)}\n`);
let files = 0;

/** `old` served (and memoised) at a new name, then changed to `next` by `how`; the old ETag. */
async function changedWithinMemo(how: 'rename' | 'rewrite', old: Buffer, next: Buffer): Promise<{ path: string; oldEtag: string }> {
  const name = `changing-${files++}.txt`;
  const path = '/' + name;
  await writeFile(join(dir, name), old);
  const first = await send('GET', path);
  assert.deepEqual(first.body, old);
  if (how === 'rename') {
    await writeFile(join(dir, name + '.next'), next);
    await rename(join(dir, name + '.next'), join(dir, name));
  } else {
    await writeFile(join(dir, name), next);
  }
  // HEAD opens nothing and answers from the memo: still the old version, so the change came within
  // the memo's lifetime and the request that follows is answered from a stale entry.
  const memo = await send('HEAD', path);
  assert.equal(memo.headers.etag, first.headers.etag, 'the memo entry had expired: the test ran too slowly to mean anything');
  return { path, oldEtag: first.headers.etag! };
}

/** The parts of a multipart/byteranges body: Content-Range and data of each. */
function multipartParts(res: Reply): { range: string; data: Buffer }[] {
  const boundary = /boundary=(.+)$/.exec(res.headers['content-type'] ?? '')?.[1];
  assert.ok(boundary, `content-type ${res.headers['content-type']}`);
  const text = res.body.toString('latin1');
  return text
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => {
      const split = p.indexOf('\r\n\r\n');
      const range = /content-range: (.+)/i.exec(p.slice(0, split))![1]!.trim();
      return { range, data: Buffer.from(p.slice(split + 4).replace(/\r\n$/, ''), 'latin1') };
    });
}

const OLD = lines('a', 300 * 1024);
for (const how of ['rename', 'rewrite'] as const) {
  for (const next of [lines('b', 200 * 1024), lines('c', 400 * 1024)]) {
    const what = `${how} to ${next.length} bytes`;

    it(`${what} within the memo lifetime: GET gets the new file with its own length and ETag`, async () => {
      const { path, oldEtag } = await changedWithinMemo(how, OLD, next);
      const res = await send('GET', path);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-length'], String(res.body.length));
      assert.deepEqual(res.body, next);
      assert.notEqual(res.headers.etag, oldEtag);
      // The memo entry was dropped: the next request finds the new file's metadata.
      assert.equal((await send('HEAD', path)).headers.etag, res.headers.etag);
    });

    it(`${what} within the memo lifetime: one range is counted in the new file`, async () => {
      const { path } = await changedWithinMemo(how, OLD, next);
      const res = await send('GET', path, { range: 'bytes=1000-1999' });
      assert.equal(res.status, 206);
      assert.equal(res.headers['content-range'], `bytes 1000-1999/${next.length}`);
      assert.deepEqual(res.body, next.subarray(1000, 2000));
      // Inside the old file, beyond the new one (or the reverse): satisfiable or not by the new size.
      const { path: far } = await changedWithinMemo(how, OLD, next);
      const tail = await send('GET', far, { range: 'bytes=250000-250099' });
      if (next.length > 250000) {
        assert.equal(tail.status, 206);
        assert.equal(tail.headers['content-range'], `bytes 250000-250099/${next.length}`);
        assert.deepEqual(tail.body, next.subarray(250000, 250100));
      } else {
        assert.equal(tail.status, 416);
        assert.equal(tail.headers['content-range'], `bytes */${next.length}`);
      }
    });

    it(`${what} within the memo lifetime: If-Range with the old ETag gets the whole new file, no splice`, async () => {
      const { path, oldEtag } = await changedWithinMemo(how, OLD, next);
      const res = await send('GET', path, { range: 'bytes=1000-', 'if-range': oldEtag });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-length'], String(next.length));
      assert.deepEqual(res.body, next);
    });

    it(`${what} within the memo lifetime: several ranges are parts of the new file`, async () => {
      const { path } = await changedWithinMemo(how, OLD, next);
      const res = await send('GET', path, { range: 'bytes=0-9, 150000-150009' });
      assert.equal(res.status, 206);
      assert.equal(res.headers['content-length'], String(res.body.length));
      assert.deepEqual(multipartParts(res), [
        { range: `bytes 0-9/${next.length}`, data: next.subarray(0, 10) },
        { range: `bytes 150000-150009/${next.length}`, data: next.subarray(150000, 150010) },
      ]);
    });

    it(`${what} within the memo lifetime: compressed on the fly from the new file`, async () => {
      const { path, oldEtag } = await changedWithinMemo(how, OLD, next);
      const res = await send('GET', path, { 'accept-encoding': 'gzip' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.deepEqual(gunzipSync(res.body), next);
      assert.notEqual(res.headers.etag, `W/${oldEtag.slice(0, -1)}-gzip"`);
    });
  }
}

it('a file removed within the memo lifetime: GET is a 404, not a broken response', async () => {
  const name = `removed-${files++}.txt`;
  await writeFile(join(dir, name), OLD);
  assert.equal((await send('GET', '/' + name)).status, 200);
  await unlink(join(dir, name));
  assert.equal((await send('HEAD', '/' + name)).status, 200, 'the memo entry had expired: the test ran too slowly to mean anything');
  const res = await send('GET', '/' + name);
  assert.equal(res.status, 404);
  assert.equal(res.headers['content-length'], String(res.body.length));
});

it('a file replaced by a symlink out of the root within the memo lifetime: not followed', async () => {
  const outside = await mkdtemp(join(tmpdir(), 'rws-outside-'));
  try {
    const secret = Buffer.alloc(OLD.length, 'outside-the-root-must-not-leak\n');
    await writeFile(join(outside, 'secret.txt'), secret);
    const name = `swapped-${files++}.txt`;
    await writeFile(join(dir, name), OLD);
    assert.equal((await send('GET', '/' + name)).status, 200);
    await symlink(join(outside, 'secret.txt'), join(dir, name + '.link'));
    await rename(join(dir, name + '.link'), join(dir, name));
    assert.equal((await send('HEAD', '/' + name)).status, 200, 'the memo entry had expired: the test ran too slowly to mean anything');
    const res = await send('GET', '/' + name);
    assert.equal(res.status, 404);
    assert.ok(!res.body.includes('must-not-leak'));
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
});

it('a large 404.html replaced within the memo lifetime: the 404 carries the new page with its length', async () => {
  const page = join(dir, '404.html');
  try {
    await writeFile(page, lines('x', 64 * 1024));
    await wait(TTL_MS + 100); // earlier requests memoised "no 404.html"
    assert.equal((await send('GET', '/missing')).body.length, 64 * 1024);
    const next = lines('y', 40 * 1024);
    await writeFile(page + '.next', next);
    await rename(page + '.next', page);
    const res = await send('GET', '/missing');
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-length'], String(next.length));
    assert.deepEqual(res.body, next);
  } finally {
    await rm(page, { force: true });
  }
});
