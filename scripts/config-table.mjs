// Regenerates the configuration table in README.md from the option table (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { options, flagFor } from '../dist/src/core/config/options.js';

const rows = ['| variable | flag | default | meaning |', '|---|---|---|---|'];
for (const [key, spec] of Object.entries(options)) {
  const def = key === 'root' ? '`public/` of the package' : key.startsWith('tls') && key.endsWith('File') ? 'the pair in `certs-dev/`' : spec.def === undefined ? 'unset' : `\`${spec.def}\``;
  rows.push(`| \`${spec.env}\` | \`${flagFor(spec.env)}\` | ${def} | ${spec.help} |`);
}
const readme = readFileSync('README.md', 'utf8');
const out = readme.replace(/<!-- config-table:start -->[\s\S]*<!-- config-table:end -->/, `<!-- config-table:start -->\n${rows.join('\n')}\n<!-- config-table:end -->`);
writeFileSync('README.md', out);
