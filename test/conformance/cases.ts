// Every conformance case, in one list. Each runs through every driver (conformance.test.ts).
import type { Case } from './case.js';
import { basicCases } from './cases/basics.js';
import { conditionalCases } from './cases/conditional.js';
import { encodingCases } from './cases/encoding.js';
import { headerCases } from './cases/headers.js';
import { rangeCases } from './cases/ranges.js';
import { traversalCases } from './cases/traversal.js';

export { corsOffCases, allowedOrigin } from './cases/headers.js';

export const cases: readonly Case[] = [
  ...basicCases,
  ...conditionalCases,
  ...rangeCases,
  ...encodingCases,
  ...headerCases,
  ...traversalCases,
];
