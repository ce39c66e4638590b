/** Buckets of 0.01 ms below one second. */
const FINE_BUCKETS = 100_000;
/** Then buckets of 1 ms up to two minutes; anything longer counts in the last. */
const COARSE_BUCKETS = 119_000;

/**
 * Latencies counted in buckets instead of kept one by one: a fanout run times up to 24
 * million receipts, and arrays of that many samples (grown by copying, sorted at the end)
 * stalled the load generator's own event loop, which every receipt is timed on. Percentiles
 * come out at the bucket's lower bound: within 0.01 ms below a second, 1 ms above. A value
 * below zero (a receipt before its answer) counts as zero.
 */
export class LatencyHistogram {
  private readonly counts = new Uint32Array(FINE_BUCKETS + COARSE_BUCKETS);
  private recorded = 0;
  private undelivered = 0;

  record(milliseconds: number): void {
    const value = Math.max(0, milliseconds);
    const bucket = value < 1000 ? Math.floor(value * 100) : Math.min(FINE_BUCKETS + Math.floor(value - 1000), this.counts.length - 1);
    this.counts[bucket] += 1;
    this.recorded += 1;
  }

  /** Messages that never arrived: slower than any that did. */
  recordUndelivered(count: number): void {
    this.undelivered += Math.max(0, count);
  }

  /** The value at `fraction` of all recorded (nearest rank, as `percentile` in bench-hub.ts); Infinity among the undelivered, NaN when empty. */
  percentile(fraction: number): number {
    const total = this.recorded + this.undelivered;
    if (total === 0) return Number.NaN;
    const rank = Math.min(total, Math.max(1, Math.ceil(fraction * total)));
    if (rank > this.recorded) return Number.POSITIVE_INFINITY;
    let seen = 0;
    for (let bucket = 0; bucket < this.counts.length; bucket += 1) {
      seen += this.counts[bucket];
      if (seen >= rank) return bucket < FINE_BUCKETS ? bucket / 100 : 1000 + (bucket - FINE_BUCKETS);
    }
    return Number.POSITIVE_INFINITY;
  }
}
