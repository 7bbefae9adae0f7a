// `rws --help`: every option with its variable, flag and default, generated from the one table.
import { flagFor, options } from './options.js';

export function helpText(): string {
  const lines = ['Usage: rws [flags]', '', 'Every flag has an environment variable of the same meaning; flags win.', 'An empty variable counts as unset; an empty flag is invalid.', ''];
  for (const spec of Object.values(options)) {
    const def = spec.def === undefined ? 'unset' : spec.def;
    lines.push(`  ${flagFor(spec.env).padEnd(30)} ${spec.env}`);
    lines.push(`  ${''.padEnd(30)} ${spec.help} (default: ${def})`);
  }
  return lines.join('\n') + '\n';
}
