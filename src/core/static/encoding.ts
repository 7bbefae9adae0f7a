// Chooses the content coding of a static response (RFC 9110 §12.5.3): a precompressed sibling when the
// client accepts its coding, else brotli or gzip on the fly for compressible types of a sensible size,
// else identity. The client's q-values decide through negotiator; at equal q, br beats gzip.
import Negotiator from 'negotiator';
import type { RequestHeaders } from '../contract.js';
import type { StaticFile, StoredVariant } from './representation.js';

export type Coding = 'br' | 'gzip';

export interface Selected {
  readonly coding: Coding | undefined;
  /** The bytes on disk to send: the file or a precompressed sibling; with `onTheFly` the file to compress. */
  readonly stored: StoredVariant;
  readonly onTheFly: boolean;
  readonly etag: string;
}

export interface EncodingPolicy {
  /** RWS_CONFIG_COMPRESSION. */
  readonly compress: boolean;
  /** Smaller bodies gain too little to be worth a compressor (and a lost Content-Length). */
  readonly minSize: number;
  /** Larger ones cost too much CPU per request; precompress them instead. */
  readonly maxSize: number;
}

const preferred: Coding[] = ['br', 'gzip'];

// negotiator 1.x takes a `preferred` order for ties; @types/negotiator still describes 0.6.
interface PreferringNegotiator {
  encoding(available: readonly string[], options: { preferred: readonly string[] }): string | undefined;
}

export function selectEncoding(
  file: StaticFile,
  headers: RequestHeaders,
  policy: EncodingPolicy,
  rangeAsked: boolean,
): Selected {
  const identity: Selected = { coding: undefined, stored: file, onTheFly: false, etag: file.etag };
  if (!file.compressible || headers['accept-encoding'] === undefined) return identity;
  // Range requests get stored bytes only: a range of an on-the-fly stream has no stable offsets.
  const fly = policy.compress && !rangeAsked && file.size >= policy.minSize && file.size <= policy.maxSize;
  const offered: string[] = [];
  for (const c of preferred) if (storedFor(file, c) !== undefined || fly) offered.push(c);
  if (offered.length === 0) return identity;
  offered.push('identity');
  const choice = (new Negotiator({ headers }) as unknown as PreferringNegotiator).encoding(offered, { preferred: offered });
  if (choice !== 'br' && choice !== 'gzip') return identity;
  const stored = storedFor(file, choice);
  if (stored !== undefined) return { coding: choice, stored, onTheFly: false, etag: stored.etag };
  // Weak: the compressor's output is not promised byte-for-byte across zlib versions (RFC 9110 §8.8.1).
  return { coding: choice, stored: file, onTheFly: true, etag: `W/"${file.etagStem}-${choice}"` };
}

function storedFor(file: StaticFile, coding: Coding): StoredVariant | undefined {
  return coding === 'br' ? file.br : file.gzip;
}
