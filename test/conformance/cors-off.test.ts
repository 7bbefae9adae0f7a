// The CORS-off behaviour through every driver, against a server without RWS_CONFIG_CORS_ALLOW_ORIGINS.
import { corsOffCases } from './cases.js';
import { conformanceSuite } from './suite.js';

conformanceSuite('conformance, CORS off', {}, corsOffCases);
