// Every driver the conformance suite runs its cases through. A new listener or client adds its
// factory here (see test/conformance/README.md) and gets every case.
import type { DriverFactory } from '../driver.js';
import { curlH1, curlH1Tls, curlH2, curlH3 } from './curl.js';
import { h3loadH3 } from './h3load.js';
import { undiciH1, undiciH1Tls, undiciH2 } from './undici.js';

export const driverFactories: readonly DriverFactory[] = [undiciH1, undiciH1Tls, undiciH2, curlH1, curlH1Tls, curlH2, curlH3, h3loadH3];
