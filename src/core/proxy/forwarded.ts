// The fields a proxy adds to what it forwards: Via (RFC 9110 §7.6.3) and the de-facto X-Forwarded-*.
import type { Protocol } from '../contract.js';

const pseudonym = 'rws-edge';

// Via's received-protocol is the version the message arrived with; "HTTP/" is omitted for HTTP.
const versions: Record<Protocol, string> = { h1: '1.1', h2: '2', h3: '3' };

/** This hop's Via entry for a message received over `protocol`. */
export function viaEntry(protocol: Protocol): string {
  return `${versions[protocol]} ${pseudonym}`;
}

/** Appends an element to a comma-separated list field (Via), keeping earlier hops. */
export function appendToList(existing: string | string[] | number | undefined, item: string): string {
  const earlier = Array.isArray(existing) ? existing.join(', ') : existing === undefined ? '' : String(existing).trim();
  return earlier === '' ? item : `${earlier}, ${item}`;
}
