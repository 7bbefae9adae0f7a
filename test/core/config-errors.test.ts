// Invalid configuration stops the process before anything binds: exit 2 and one line naming the
// variable and the bad value. Checked through the real process, as a user would meet it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devCertFile, devKeyFile } from '../../src/core/config/options.js';
import { mainJs } from '../support/spawn-server.js';

const tmp = mkdtempSync(join(tmpdir(), 'rws-config-'));
const notPem = join(tmp, 'not.pem');
writeFileSync(notPem, 'hello');
const aFile = join(tmp, 'file.txt');
writeFileSync(aFile, 'x');
// A key that is not the development certificate's, and one that is encrypted.
const otherKey = join(tmp, 'other-key.pem');
const encryptedKey = join(tmp, 'encrypted-key.pem');
const pair = (cipher?: string) =>
  generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: cipher ? { type: 'pkcs8', format: 'pem', cipher, passphrase: 'secret' } : { type: 'pkcs8', format: 'pem' },
  }).privateKey;
writeFileSync(otherKey, pair());
writeFileSync(encryptedKey, pair('aes-256-cbc'));

function run(env: Record<string, string>, args: string[] = []) {
  const r = spawnSync(process.execPath, [mainJs, ...args], {
    env: { PATH: process.env.PATH, RWS_CONFIG_IP: '127.0.0.1', RWS_CONFIG_PORT: '0', RWS_CONFIG_TLS_PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

const cases: [string, Record<string, string>, string[], string][] = [
  ['non-numeric port', { RWS_CONFIG_PORT: 'http' }, [], 'RWS_CONFIG_PORT="http"'],
  ['port out of range', { RWS_CONFIG_TLS_PORT: '70000' }, [], 'RWS_CONFIG_TLS_PORT="70000"'],
  // 0 binds any free port, but cannot be advertised.
  ['advertised port 0', { RWS_CONFIG_ALT_SVC_PORT: '0' }, [], 'RWS_CONFIG_ALT_SVC_PORT="0": port out of range (1-65535)'],
  ['negative port', { RWS_CONFIG_PORT: '-1' }, [], 'RWS_CONFIG_PORT="-1"'],
  ['bad ip', { RWS_CONFIG_IP: 'localhost' }, [], 'RWS_CONFIG_IP="localhost"'],
  ['unreadable certificate', { RWS_CONFIG_TLS_CERT_FILE: '/nonexistent/cert.pem', RWS_CONFIG_TLS_KEY_FILE: notPem }, [], 'RWS_CONFIG_TLS_CERT_FILE="/nonexistent/cert.pem"'],
  ['key that is not PEM', { RWS_CONFIG_TLS_CERT_FILE: notPem, RWS_CONFIG_TLS_KEY_FILE: notPem }, [], 'not a PEM file'],
  ['key of another certificate', { RWS_CONFIG_TLS_CERT_FILE: devCertFile, RWS_CONFIG_TLS_KEY_FILE: otherKey }, [], 'not the private key of the certificate in RWS_CONFIG_TLS_CERT_FILE'],
  ['encrypted key', { RWS_CONFIG_TLS_CERT_FILE: devCertFile, RWS_CONFIG_TLS_KEY_FILE: encryptedKey }, [], 'RWS_CONFIG_TLS_KEY_FILE'],
  ['certificate file holding a key', { RWS_CONFIG_TLS_CERT_FILE: devKeyFile, RWS_CONFIG_TLS_KEY_FILE: devKeyFile }, [], 'RWS_CONFIG_TLS_CERT_FILE'],
  ['certificate without key', { RWS_CONFIG_TLS_CERT_FILE: devCertFile }, [], 'RWS_CONFIG_TLS_KEY_FILE'],
  ['root that does not exist', { RWS_CONFIG_ROOT: '/nonexistent/dir' }, [], 'RWS_CONFIG_ROOT="/nonexistent/dir"'],
  ['root that is a file', { RWS_CONFIG_ROOT: aFile }, [], 'not a directory'],
  ['malformed upstream', { RWS_CONFIG_UPSTREAM: 'not a url' }, [], 'RWS_CONFIG_UPSTREAM="not a url"'],
  ['upstream with another scheme', { RWS_CONFIG_UPSTREAM: 'ftp://example.test/' }, [], 'scheme must be http or https'],
  // undici's coarse timer cannot honour less than ~1 s; the floor says so rather than fire late.
  ['upstream timeout under 1 s', { RWS_CONFIG_UPSTREAM_TIMEOUT_MS: '200' }, [], 'RWS_CONFIG_UPSTREAM_TIMEOUT_MS="200"'],
  // 0 turns the reload off; anything else must be at least 100 ms.
  ['certificate reload interval under 100 ms', { RWS_CONFIG_TLS_RELOAD_INTERVAL_MS: '50' }, [], 'RWS_CONFIG_TLS_RELOAD_INTERVAL_MS="50": out of range (0 for off, or 100-86400000)'],
  ['certificate reload interval as a duration', {}, ['--tls-reload-interval-ms', '1m'], 'RWS_CONFIG_TLS_RELOAD_INTERVAL_MS="1m": not a whole number'],
  ['bad on/off', { RWS_CONFIG_TLS: 'maybe' }, [], 'RWS_CONFIG_TLS="maybe"'],
  ['https redirect without TLS', { RWS_CONFIG_HTTPS_REDIRECT: 'on', RWS_CONFIG_TLS: 'off' }, [], 'RWS_CONFIG_HTTPS_REDIRECT="on": needs TLS (RWS_CONFIG_TLS is off)'],
  ['bad log format', { RWS_CONFIG_LOG_FORMAT: 'xml' }, [], 'RWS_CONFIG_LOG_FORMAT="xml"'],
  ['bad CORS origin', { RWS_CONFIG_CORS_ALLOW_ORIGINS: 'example.com' }, [], 'RWS_CONFIG_CORS_ALLOW_ORIGINS'],
  // Each would be accepted and then end the process at the first response (node:http, QPACK).
  ['header value beyond Latin-1', { RWS_CONFIG_REFERRER_POLICY: 'no-referrer\u2028' }, [], 'RWS_CONFIG_REFERRER_POLICY'],
  ['header value with a non-ASCII letter', { RWS_CONFIG_CACHE_CONTROL: 'max-age=60, é' }, [], 'U+00E9 is not allowed'],
  ['header value with a control character', { RWS_CONFIG_HSTS: 'max-age=1\u0001' }, [], 'RWS_CONFIG_HSTS'],
  ['bad flag value', {}, ['--port', 'abc'], 'RWS_CONFIG_PORT="abc"'],
  ['unknown flag', {}, ['--prot', '80'], 'unknown flag (did you mean --port?)'],
  ['same port twice', { RWS_CONFIG_PORT: '8000', RWS_CONFIG_TLS_PORT: '8000' }, [], 'RWS_CONFIG_TLS_PORT="8000"'],
];

describe('invalid configuration exits 2 naming the variable', () => {
  for (const [name, env, args, expected] of cases) {
    it(name, () => {
      const r = run(env, args);
      assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${r.stderr}`);
      assert.ok(lines[0]!.includes(expected), `${lines[0]} should mention ${expected}`);
      assert.equal(r.stdout, '', 'nothing bound, nothing logged');
    });
  }
});

describe('configuration help and warnings', () => {
  it('--help lists every variable with its flag', () => {
    const r = run({}, ['--help']);
    assert.equal(r.code, 0);
    for (const v of ['RWS_CONFIG_IP', 'RWS_CONFIG_PORT', 'RWS_CONFIG_TLS_PORT', 'RWS_CONFIG_TLS_RELOAD_INTERVAL_MS', 'RWS_CONFIG_UPSTREAM', 'RWS_CONFIG_ADMIN_PORT']) {
      assert.ok(r.stdout.includes(v), v);
    }
    assert.ok(r.stdout.includes('--tls-port'));
  });
});
