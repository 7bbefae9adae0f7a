// An empty variable counts as unset (its default applies: manifests write value: "" to leave an option
// alone); an empty flag is an invalid value, named like any other.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/core/config/load-config.js';
import { ConfigError } from '../../src/core/errors.js';

it('an empty variable takes the default', () => {
  const { config } = loadConfig({ RWS_CONFIG_HSTS: '', RWS_CONFIG_TLS_PORT: '', RWS_CONFIG_UPSTREAM: '' }, []);
  assert.equal(config.hsts, 'max-age=63072000; includeSubDomains');
  assert.equal(config.tlsPort, 7443);
  assert.equal(config.upstream, undefined);
});

it('an empty flag is refused, naming its variable', () => {
  assert.throws(() => loadConfig({}, ['--tls-port', '']), (e: unknown) => e instanceof ConfigError && e.variable === 'RWS_CONFIG_TLS_PORT');
});
