import { describe, expect, it } from "vitest";
import { estimatePercentile, type LatencyHistogram } from "./latency";

// counts are cumulative at 100, 250, 500, 1000, 2500, 5000, 10000, 30000 ms
const hist = (counts: number[], total: number): LatencyHistogram => ({ counts, total });

describe("estimatePercentile", () => {
  it("interpolates linearly inside the bucket that holds the rank", () => {
    // 10 requests <= 100 ms, 10 more in (100, 250], 20 more in (250, 500]
    const h = hist([10, 20, 40, 40, 40, 40, 40, 40], 40);
    expect(estimatePercentile(h, 50)).toEqual({ ms: 250, overflow: false }); // rank 20: exactly the 250 ms bound
    expect(estimatePercentile(h, 60)).toEqual({ ms: 300, overflow: false }); // rank 24: 250 + 250 * 4/20
    expect(estimatePercentile(h, 25)).toEqual({ ms: 100, overflow: false }); // rank 10: exactly the 100 ms bound
    expect(estimatePercentile(h, 95)).toEqual({ ms: 475, overflow: false }); // rank 38: 250 + 250 * 18/20
    expect(estimatePercentile(h, 10)).toEqual({ ms: 40, overflow: false }); // rank 4: 0 + 100 * 4/10
  });

  it("skips empty buckets and reports a percentile above 30 s as an overflow", () => {
    const h = hist([0, 0, 0, 0, 0, 0, 10, 10], 20); // 10 in (5, 10] s, 10 above 30 s
    expect(estimatePercentile(h, 50)).toEqual({ ms: 10000, overflow: false });
    expect(estimatePercentile(h, 25)).toEqual({ ms: 7500, overflow: false });
    expect(estimatePercentile(h, 95)).toEqual({ ms: 30000, overflow: true });
  });

  it("is null without requests", () => {
    expect(estimatePercentile(hist([0, 0, 0, 0, 0, 0, 0, 0], 0), 50)).toBeNull();
  });
});
