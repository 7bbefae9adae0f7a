// rws with metrics and access logs off (a no-op Observer), configured from RWS_CONFIG_* like the real
// process: `npm run bench` runs it beside the real one to measure what observability costs.
import { loadConfig } from '../src/core/config/load-config.js';
import { createServer } from '../src/server.js';
import { noopObserver } from './noop-observer.js';

const server = createServer(loadConfig(process.env, []).config, { observer: noopObserver });
await server.start();
process.on('SIGTERM', () => process.exit(0));
