// The core's coded errors as a table: each has its stable code, its class name, an instanceof chain
// operators' and tests' matching relies on, and a message that names what went wrong.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BindError, ConfigError, ExitCode, RwsError } from '../../src/core/errors.js';

const cases: [string, () => RwsError, string, string][] = [
  ['ConfigError', () => new ConfigError('RWS_CONFIG_PORT', 'http', 'not an integer'), 'RWS_ERR_CONFIG', 'RWS_CONFIG_PORT="http": not an integer'],
  ['BindError', () => new BindError('127.0.0.1:80 (TCP)', { cause: new Error('EACCES') }), 'RWS_ERR_BIND', 'cannot listen on 127.0.0.1:80 (TCP)'],
];

describe('coded errors', () => {
  for (const [name, make, code, message] of cases) {
    it(`${name}: ${code}`, () => {
      const e = make();
      assert.ok(e instanceof RwsError);
      assert.ok(e instanceof Error);
      assert.equal(e.name, name);
      assert.equal(e.code, code);
      assert.equal(e.message, message);
    });
  }

  it('ConfigError carries the variable it names', () => {
    assert.equal(new ConfigError('RWS_CONFIG_ROOT', '/x', 'not a directory').variable, 'RWS_CONFIG_ROOT');
  });

  it('BindError keeps its cause', () => {
    const cause = new Error('EADDRINUSE');
    assert.equal(new BindError('x', { cause }).cause, cause);
  });

  it('exit codes are distinct and the documented values', () => {
    assert.deepEqual(ExitCode, { ok: 0, failure: 1, config: 2, drainTimeout: 3, forced: 130 });
  });
});
