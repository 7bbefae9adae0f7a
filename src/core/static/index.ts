// PLACEHOLDER until the static-file work lands: nothing is served, every path is 404.
import type { Config } from '../config/options.js';
import type { StaticHandler } from '../handlers.js';
import { textResponse } from '../responses.js';

export function createStaticHandler(_config: Config): StaticHandler {
  return {
    async serve() {
      return null;
    },
    async notFound() {
      return textResponse(404, 'not found', 'not_found');
    },
  };
}
