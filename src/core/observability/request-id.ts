// Request ids: the client's (or the load balancer's) X-Request-Id when it is well-formed, a new one
// otherwise. New ids are a random per-process prefix plus a counter: unique across pods and restarts
// with overwhelming probability, and a few nanoseconds each where crypto.randomUUID per request is not.
import { randomBytes } from 'node:crypto';

/** At most 128 characters of a conservative token alphabet: safe in logs, headers and URLs. */
const valid = /^[A-Za-z0-9._:-]{1,128}$/;

// 9 random bytes → 12 base64url characters (72 bits); '-' and '_' in base64url are in the alphabet above.
const prefix = randomBytes(9).toString('base64url') + '-';
let counter = 0;

export function newRequestId(): string {
  return prefix + (++counter).toString(36);
}

/** The incoming X-Request-Id when valid (one field line, allowed characters, ≤ 128), else a new id. */
export function requestId(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && valid.test(incoming) ? incoming : newRequestId();
}
