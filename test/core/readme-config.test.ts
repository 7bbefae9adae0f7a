// The README's configuration table is the user's reference: every option must be in it, with its default.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { options } from '../../src/core/config/options.js';
import { packageRoot } from '../../src/core/package-root.js';

it('README lists every RWS_CONFIG_* variable with its flag and default', () => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  for (const spec of Object.values(options)) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${spec.env}\``));
    assert.ok(row, `${spec.env} missing from README`);
    if (spec.def !== undefined && !spec.def.startsWith('/')) assert.ok(row.includes(spec.def), `${spec.env} default ${spec.def}`);
  }
});
