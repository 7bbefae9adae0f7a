// Lint rules, and the layering the design depends on, enforced rather than hoped for:
// - src/core imports no listener, no node:http*, no QUIC binding;
// - listeners (src/h1, src/h2, src/h3) do not import each other;
// - only src/core/observability/logger.ts imports pino, only .../metrics.ts imports prom-client.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const httpModules = ['node:http', 'node:http2', 'node:https', 'http', 'http2', 'https'];
const pino = { name: 'pino', message: 'only src/core/observability/logger.ts imports pino' };
const promClient = { name: 'prom-client', message: 'only src/core/observability/metrics.ts imports prom-client' };
const listener = (name) => ({ group: [`**/${name}/*`, `../${name}/*`], message: 'listeners do not import each other' });

function restrict(paths, patterns = []) {
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'bench/out/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['public/**/*.js'], languageOptions: { globals: { document: 'readonly', performance: 'readonly' } } },
  { files: ['src/**/*.ts'], rules: restrict([pino, promClient]) },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict(
      [...httpModules.map((name) => ({ name, message: 'src/core is protocol-agnostic: no node:http*' })), pino, promClient],
      [
        { group: ['**/h1/*', '**/h2/*', '**/h3/*', '**/node-http/*'], message: 'src/core imports no listener' },
        { group: ['@matrixai/*'], message: 'src/core imports no QUIC binding' },
      ],
    ),
  },
  { files: ['src/h1/**/*.ts'], rules: restrict([pino, promClient], [listener('h2'), listener('h3')]) },
  { files: ['src/h2/**/*.ts'], rules: restrict([pino, promClient], [listener('h1'), listener('h3')]) },
  { files: ['src/h3/**/*.ts'], rules: restrict([pino, promClient], [listener('h1'), listener('h2'), { group: ['**/node-http/*'], message: 'h3 does not sit on node:http' }]) },
  { files: ['src/core/observability/logger.ts'], rules: restrict([promClient]) },
  { files: ['src/core/observability/metrics.ts'], rules: restrict([pino]) },
);
