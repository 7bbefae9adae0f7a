// Range requests (RFC 9110 §14.2) on a stored representation, parsed by range-parser. Overlapping and
// adjacent ranges are combined; a request for more distinct ranges than MAX_RANGES is answered with the
// whole representation (§14.2 lets a server ignore Range), which defuses many-small-ranges amplification.
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
  const r = parseRange(size, header, { combine: true });
  if (r === -2) return FULL; // malformed: §14.2 says ignore the field
  if (r === -1) return UNSATISFIABLE;
  if (r.type !== 'bytes' || r.length > MAX_RANGES) return FULL;
  return { kind: 'ranges', ranges: r };
}
