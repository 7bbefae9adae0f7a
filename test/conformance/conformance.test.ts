// The shared conformance suite: every case (cases.ts) through every driver (drivers/index.ts) against one
// server serving the fixture site with CORS on for one origin.
import { allowedOrigin, cases } from './cases.js';
import { conformanceSuite } from './suite.js';

conformanceSuite('conformance', { RWS_CONFIG_CORS_ALLOW_ORIGINS: allowedOrigin }, cases);
