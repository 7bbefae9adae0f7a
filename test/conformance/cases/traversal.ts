// Attempts to read outside the root or hidden files. Each must be answered 400 or 404 and no body may
// carry any secret marker (see site.ts: a file beside the root, /etc/passwd, .env, .git/config…).
// Targets are sent verbatim by every driver (undici sends the path as given; curl gets --path-as-is and
// --request-target), so nothing is normalised away before it reaches the server.
import assert from 'node:assert/strict';
import { type Case, expectStatus } from '../case.js';
import { secretMarkers } from '../site.js';

const originFormAttempts = [
  '/../outside/secret.txt',
  '/../../../../../../etc/passwd',
  '/docs/../../outside/secret.txt',
  '/./../outside/secret.txt',
  '/%2e%2e/outside/secret.txt',
  '/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd',
  '/.%2e/outside/secret.txt',
  '/%2e./outside/secret.txt',
  '/..%2foutside%2fsecret.txt',
  '/%2e%2e%2foutside%2fsecret.txt',
  '/docs/..%2f..%2foutside/secret.txt',
  '/%252e%252e/outside/secret.txt', // double encoding: decoded once, it is the literal name "%2e%2e"
  '/%252e%252e%252foutside%252fsecret.txt',
  '/..\\outside\\secret.txt',
  '/docs\\..\\..\\outside\\secret.txt',
  '/..%5coutside%5csecret.txt',
  '/%5c..%5coutside/secret.txt',
  '/hello.txt%00.png',
  '/%00/../outside/secret.txt',
  '/..%00/outside/secret.txt',
  '/%c0%ae%c0%ae/outside/secret.txt', // overlong UTF-8 for ".."
  '/%e0%80%ae%e0%80%ae/outside/secret.txt',
  '/%ZZ/outside/secret.txt',
  '/.git/config',
  '/%2egit/config',
  '/.env',
  '/%2eenv',
  '/.private/notes.txt',
  '/.well-known/../.env',
  '/docs/..;/..;/outside/secret.txt',
  '/....//....//etc/passwd',
  '/escape-link.txt', // symlink to a file outside the root
  '/escape-dir/secret.txt', // symlink to a directory outside the root
  '/dot-link.txt', // symlink inside the root onto .env
  '//etc/passwd',
  '/etc/passwd',
];

// Absolute-form (RFC 9112 §3.2.2) exists in HTTP/1.1 only; HTTP/2 and HTTP/3 carry :scheme/:authority.
const absoluteFormAttempts = ['http://127.0.0.1/../outside/secret.txt', 'http://127.0.0.1/%2e%2e/outside/secret.txt', 'http://x/..%2f..%2fetc%2fpasswd'];

function attempt(path: string, only?: Case['only']): Case {
  return {
    name: `traversal refused: ${path}`,
    only,
    async run(d) {
      const res = await d.request({ method: 'GET', path });
      expectStatus(res, [400, 404]);
      const body = res.body.toString('latin1');
      for (const marker of secretMarkers) assert.ok(!body.includes(marker), `body leaks ${marker}`);
    },
  };
}

export const traversalCases: Case[] = [
  ...originFormAttempts.map((p) => attempt(p)),
  ...absoluteFormAttempts.map((p) => attempt(p, ['h1'])),
  {
    name: 'absolute-form for a real file is served (RFC 9112 §3.2.2)',
    only: ['h1'],
    async run(d, ctx) {
      const res = await d.request({ method: 'GET', path: `http://127.0.0.1/hello.txt` });
      expectStatus(res, 200);
      assert.deepEqual(res.body, await ctx.site.file('hello.txt'));
    },
  },
];
