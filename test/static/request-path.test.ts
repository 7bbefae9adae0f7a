// Property test of the one function that stops traversal: whatever target is thrown at it, an accepted
// path is a plain relative path that stays under the root and names no hidden file.
import assert from 'node:assert/strict';
import { join, relative, sep } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import { parseRequestPath } from '../../src/core/static/request-path.js';

// Fragments attackers combine: dots, slashes and their encodings (once and twice), NUL, overlong UTF-8.
const fragment = fc.constantFrom(
  '/', '.', '..', '%2e', '%2E', '%2f', '%2F', '%5c', '\\', '%00', '%252e', '%252f', '%c0%ae', '%', '%zz',
  'a', 'b.txt', '.env', '.well-known', '?', '#', ';', '%20', '%C3%BC', '//', 'http://h',
);
const target = fc.oneof(fc.array(fragment, { maxLength: 12 }).map((f) => f.join('')), fc.string({ maxLength: 40 }));

it('an accepted path never escapes the root or reaches a dotfile', () => {
  const root = '/srv/root';
  fc.assert(
    fc.property(target, (t) => {
      const p = parseRequestPath(t);
      if (p.kind !== 'ok') return;
      const segments = p.rel === '' ? [] : p.rel.split('/');
      for (const s of segments) {
        assert.ok(s !== '' && s !== '.' && s !== '..', `segment ${JSON.stringify(s)} from ${JSON.stringify(t)}`);
        assert.ok(!/[\\\0]/.test(s), `separator or NUL in ${JSON.stringify(s)}`);
      }
      segments.forEach((s, i) => assert.ok(!s.startsWith('.') || (i === 0 && s === '.well-known'), `hidden ${s}`));
      const full = join(root, p.rel);
      assert.ok(full === root || !relative(root, full).startsWith('..'), `${full} outside ${root}`);
      assert.ok(p.raw.startsWith('/') && !p.raw.startsWith('//'), `redirect base ${p.raw} could leave the host`);
      assert.ok(!full.includes(`${sep}..${sep}`));
    }),
    { numRuns: 5000 },
  );
});

it('decodes once and classifies the usual attempts', () => {
  const cases: [string, string][] = [
    ['/a/b.txt', 'ok:a/b.txt'],
    ['/%252e%252e/x', 'ok:%2e%2e/x'],
    ['/a//b/', 'ok:a/b'],
    ['http://host/a?q', 'ok:a'],
    ['/../x', 'bad'],
    ['/%2e%2e/x', 'bad'],
    ['/a%2fb', 'bad'],
    ['/a\\b', 'bad'],
    ['/a%00', 'bad'],
    ['/%c0%ae', 'bad'],
    ['/%zz', 'bad'],
    ['/.env', 'none'],
    ['/.well-known/x', 'ok:.well-known/x'],
    ['/a/.well-known/x', 'none'],
    ['*', 'none'],
  ];
  for (const [t, want] of cases) {
    const p = parseRequestPath(t);
    assert.equal(p.kind === 'ok' ? `ok:${p.rel}` : p.kind, want, t);
  }
});

it('a target parsed again gives the same answer, from the memo and after the memo starts over', () => {
  let filler = 0;
  fc.assert(
    fc.property(fc.array(target, { minLength: 1, maxLength: 20 }), (targets) => {
      const first = targets.map((t) => parseRequestPath(t));
      assert.deepEqual(targets.map((t) => parseRequestPath(t)), first);
      // More distinct targets than the memo keeps: it starts over, and the answers stay the same.
      for (let i = 0; i < 1100; i++) parseRequestPath(`/filler/${filler++}`);
      assert.deepEqual(targets.map((t) => parseRequestPath(t)), first);
    }),
    { numRuns: 50 },
  );
});
