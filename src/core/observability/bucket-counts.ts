// A histogram accumulated in plain numbers on the hot path and handed to prom-client only at scrape
// time. prom-client's own Histogram hashes the label object on every observe (about a microsecond);
// this is a linear scan over a few bounds and two additions. Hand-written because no package offers a
// pre-aggregated histogram that prom-client can expose.

/** Upper bounds in seconds, for an edge: sub-millisecond static and health answers up to slow origins. */
export const DURATION_BUCKETS_S: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const boundsMs = DURATION_BUCKETS_S.map((s) => s * 1000);

export class BucketCounts {
  count = 0;
  /** Sum of observations in milliseconds (converted to seconds at scrape). */
  sumMs = 0;
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly perBucket = new Float64Array(boundsMs.length + 1);

  observe(ms: number): void {
    this.count++;
    this.sumMs += ms;
    // Most exchanges land in the first buckets, so a linear scan beats a binary search.
    let i = 0;
    while (i < boundsMs.length && ms > boundsMs[i]!) i++;
    this.perBucket[i]!++;
  }

  /** Cumulative counts per bound (Prometheus `le` semantics), +Inf last. */
  cumulative(): number[] {
    const out: number[] = [];
    let acc = 0;
    for (const n of this.perBucket) out.push((acc += n));
    return out;
  }
}
