import { percentile } from './bench-hub.js';
import { LatencyHistogram } from './latency-histogram.js';

describe('LatencyHistogram', () => {
  it('gives the percentiles of kept samples to within its resolution', () => {
    const samples = Array.from({ length: 10_000 }, (_, i) => ((i * 7919) % 10_000) / 7 + (i % 3) * 1500);
    const histogram = new LatencyHistogram();
    for (const sample of samples) histogram.record(sample);
    const sorted = [...samples].sort((a, b) => a - b);
    for (const fraction of [0.01, 0.5, 0.95, 0.99, 1]) {
      const exact = percentile(sorted, fraction);
      const counted = histogram.percentile(fraction);
      expect(counted).toBeLessThanOrEqual(exact);
      expect(exact - counted).toBeLessThan(exact < 1000 ? 0.01 : 1);
    }
  });

  it('ranks the undelivered after every delivered message', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 98; ms += 1) histogram.record(ms);
    histogram.recordUndelivered(2);
    expect(histogram.percentile(0.5)).toBe(50);
    expect(histogram.percentile(0.98)).toBe(98);
    expect(histogram.percentile(0.99)).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts a receipt before its answer as zero, and one past two minutes in its last bucket', () => {
    const histogram = new LatencyHistogram();
    histogram.record(-3);
    histogram.record(500_000);
    expect(histogram.percentile(0.5)).toBe(0);
    expect(histogram.percentile(1)).toBe(119_999);
    expect(new LatencyHistogram().percentile(0.5)).toBeNaN();
  });
});
