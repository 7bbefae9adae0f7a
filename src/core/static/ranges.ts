// Range requests (RFC 9110 §14.2) on a stored representation, parsed by range-parser. Overlapping and
// adjacent ranges are combined; a request for more distinct ranges than MAX_RANGES is answered with the
// whole representation (§14.2 lets a server ignore Range), which defuses many-small-ranges amplification.
//
// range-parser (1.3) departs from RFC 9110 in three ways, so the field is normalised before it is parsed
// rather than the parser replaced:
// - the unit is compared case-sensitively ("BYTES=0-9" ignored); §14.1 makes range units case-insensitive;
// - a suffix longer than the representation ("bytes=-100" of 12 bytes) counts as unsatisfiable; §14.1.2
//   says it selects the whole representation, and §14.1.1 counts it satisfiable (nginx: 206 0-11/12);
// - an empty list element ("bytes=0-1,") makes the field malformed; §5.6.1 has recipients ignore it.
import parseRange from 'range-parser';

export type RangePlan =
  | { readonly kind: 'full' }
  | { readonly kind: 'unsatisfiable' }
  /** Inclusive byte offsets, as Content-Range writes them. */
  | { readonly kind: 'ranges'; readonly ranges: readonly { start: number; end: number }[] };

const FULL: RangePlan = { kind: 'full' };
const UNSATISFIABLE: RangePlan = { kind: 'unsatisfiable' };
export const MAX_RANGES = 16;

export function planRanges(size: number, header: string): RangePlan {
  const r = parseRange(size, normaliseRange(size, header), { combine: true });
  if (r === -2) return FULL; // malformed: §14.2 says ignore the field
  if (r === -1) return UNSATISFIABLE;
  if (r.type !== 'bytes' || r.length > MAX_RANGES) return FULL;
  return { kind: 'ranges', ranges: r };
}

/**
 * The field as range-parser reads it as RFC 9110 means it: the unit lower-cased, empty list elements
 * dropped, and a suffix range longer than `size` written as the whole representation ("0-"). Anything
 * it does not recognise is passed on unchanged for range-parser to reject.
 */
export function normaliseRange(size: number, header: string): string {
  const eq = header.indexOf('=');
  if (eq === -1) return header;
  const unit = header.slice(0, eq).toLowerCase();
  if (unit !== 'bytes') return header;
  const specs: string[] = [];
  for (const raw of header.slice(eq + 1).split(',')) {
    const spec = raw.trim();
    if (spec === '') continue;
    const suffix = /^-(\d+)$/.exec(spec);
    specs.push(suffix !== null && size > 0 && Number(suffix[1]) > size ? '0-' : spec);
  }
  // Only empty elements: still malformed (range-parser: -2), as "bytes=" is.
  return unit + '=' + specs.join(',');
}
