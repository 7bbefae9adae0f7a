// The client locator must hand tests real executables and, when something is missing, say which
// tool and how to install it (rather than a bare ENOENT deep inside a test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_NAMES, clients, hasClient } from './clients.js';

function toolsDirWith(manifest: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'rws-clients-'));
  writeFileSync(join(dir, 'clients.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  return dir;
}

// Every name mapped to a file that exists and is executable on any Debian machine.
const allPresent = Object.fromEntries(CLIENT_NAMES.map((name) => [name, process.execPath]));

test('returns the absolute path of every client when all are executable', () => {
  const found = clients(toolsDirWith(allPresent));
  assert.deepEqual(Object.keys(found).sort(), [...CLIENT_NAMES].sort());
  for (const name of CLIENT_NAMES) assert.equal(found[name], process.execPath);
});

test('without clients.json the error names the install command', () => {
  const empty = mkdtempSync(join(tmpdir(), 'rws-clients-'));
  assert.throws(() => clients(empty), /no .*clients\.json.*bash scripts\/install-clients\.sh/);
  assert.equal(hasClient('curl', empty), false);
});

test('a missing or non-executable client is named in the error', () => {
  const dir = toolsDirWith({ ...allPresent, gtlsclient: '/nonexistent/gtlsclient' });
  assert.throws(() => clients(dir), /test client gtlsclient is missing \(\/nonexistent\/gtlsclient/);
  assert.equal(hasClient('gtlsclient', dir), false);
  assert.equal(hasClient('curl', dir), true);
  const { wrk: _dropped, ...noWrk } = allPresent;
  assert.throws(() => clients(toolsDirWith(noWrk)), /test client wrk is missing \(no entry/);
});

test('a corrupt clients.json asks for a reinstall', () => {
  assert.throws(() => clients(toolsDirWith('{"curl": ')), /not valid JSON.*install-clients\.sh/);
});

test('honours RWS_TOOLS_DIR', () => {
  const before = process.env.RWS_TOOLS_DIR;
  process.env.RWS_TOOLS_DIR = toolsDirWith(allPresent);
  try {
    assert.equal(clients().h3load, process.execPath);
    assert.equal(hasClient('chromium'), true);
  } finally {
    if (before === undefined) delete process.env.RWS_TOOLS_DIR;
    else process.env.RWS_TOOLS_DIR = before;
  }
});
