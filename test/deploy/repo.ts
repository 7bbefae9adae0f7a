// The checkout these tests run from: the compiled test lives in dist/test/deploy/.
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
