// A small origin for the observability tests, and an edge proxying to it (empty static root, so every
// path other than the internal endpoints goes to the origin).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOrigin, type Origin } from '../proxy/support.js';
import { startServer, type TestServer } from '../support/start-server.js';

export interface TestOrigin extends Origin {
  /** Answers every request held at /slow. */
  release(): void;
  /** Requests currently held at /slow, /hang or /trickle. */
  held(): number;
}

/**
 * /ok → "hello"; /echo → the request body; /slow → "done" once release() is called; /hang → never;
 * /trickle → 1000 bytes every 50 ms for 10 s (longer than an HTTP/3 client's departure takes to notice); /fail → 500; /reset → the connection is destroyed;
 * /cookie → a Set-Cookie carrying `secret`.
 */
export async function testOrigin(secret = 'origin-secret'): Promise<TestOrigin> {
  let waiting: (() => void)[] = [];
  let held = 0;
  const origin = await startOrigin((req, res) => {
    const path = req.url ?? '/';
    if (path === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(Buffer.concat(chunks)));
      return;
    }
    if (path === '/slow' || path === '/hang') {
      held++;
      res.on('close', () => held--);
      if (path === '/slow') waiting.push(() => res.end('done'));
      return;
    }
    if (path === '/trickle') {
      held++;
      let n = 0;
      const t = setInterval(() => (++n === 200 ? res.end() : res.write('x'.repeat(1000))), 50);
      res.on('close', () => {
        held--;
        clearInterval(t);
      });
      res.write('x'.repeat(1000));
      return;
    }
    if (path === '/fail') return void res.writeHead(500).end('boom');
    if (path === '/reset') return void req.socket.destroy();
    if (path === '/cookie') return void res.writeHead(200, { 'set-cookie': `session=${secret}; HttpOnly` }).end('c');
    res.end('hello');
  });
  return {
    ...origin,
    release() {
      const w = waiting;
      waiting = [];
      for (const f of w) f();
    },
    held: () => held,
  };
}

export function edgeFor(origin: Origin, env: Record<string, string> = {}): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'rws-obs-'));
  return startServer({ RWS_CONFIG_UPSTREAM: origin.url, RWS_CONFIG_ROOT: root, ...env });
}
