// What went wrong with an upstream request, and the response the client gets for it.
import type { CoreResponse } from '../contract.js';
import { textResponse } from '../responses.js';
import { BodyTooLargeError } from './body-limit.js';

/**
 * Outcome of one upstream request, for metrics: ok (origin answered), error (unreachable, refused,
 * reset, connect timeout → 502), timeout (no response headers in time → 504), aborted (ended on the
 * client's side: the client left, or its body was too large).
 */
export type UpstreamOutcome = 'ok' | 'error' | 'timeout' | 'aborted';

export interface Failure {
  readonly outcome: Exclude<UpstreamOutcome, 'ok'>;
  readonly status: number;
  /** Short machine-readable cause for logs: the error code when there is one. */
  readonly cause: string;
}

export function classify(err: unknown, clientGone: boolean): Failure {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const cause = code ?? String(e?.message ?? err);
  if (err instanceof BodyTooLargeError) return { outcome: 'aborted', status: 413, cause };
  if (clientGone) return { outcome: 'aborted', status: 499, cause };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { outcome: 'timeout', status: 504, cause };
  return { outcome: 'error', status: 502, cause };
}

const texts: Record<number, string> = {
  413: 'request body too large',
  499: 'client closed request',
  502: 'bad gateway: the origin could not be reached',
  504: 'gateway timeout: the origin did not answer in time',
};

/**
 * 499 (nginx's "client closed request") is never written: the client is gone; it only names the
 * exchange in logs and metrics. `closeConnection`: an HTTP/1.1 request body that was not read to the
 * end leaves the connection unusable for another request.
 */
export function failureResponse(f: Failure, closeConnection: boolean): CoreResponse {
  return textResponse(f.status, texts[f.status] ?? 'bad gateway', 'proxy', closeConnection ? { connection: 'close' } : undefined);
}
