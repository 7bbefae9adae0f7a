// The fields a proxy adds to what it forwards: Via (RFC 9110 §7.6.3) and the de-facto X-Forwarded-*.
import type { Protocol } from '../contract.js';

const pseudonym = 'rws-edge';

// RFC 9110 §7.6.3: Via's received-protocol is the version the message arrived with ("HTTP/" omitted).
// Built once: one entry per version, no string per request.
const entries: Record<Protocol, string> = { h1: `1.1 ${pseudonym}`, h2: `2 ${pseudonym}`, h3: `3 ${pseudonym}` };
const http10Entry = `1.0 ${pseudonym}`;

/**
 * This hop's Via entry for a message received over `protocol`; `httpVersion` is an HTTP/1.x request
 * line's. node's parser also lets "HTTP/0.9" and "HTTP/2.0" request lines through, framed as HTTP/1.1:
 * they are named 1.1.
 */
export function viaEntry(protocol: Protocol, httpVersion?: string): string {
  return protocol === 'h1' && httpVersion === '1.0' ? http10Entry : entries[protocol];
}

/** Appends an element to a comma-separated list field (Via), keeping earlier hops. */
export function appendToList(existing: string | string[] | number | undefined, item: string): string {
  const earlier = Array.isArray(existing) ? existing.join(', ') : existing === undefined ? '' : String(existing).trim();
  return earlier === '' ? item : `${earlier}, ${item}`;
}
