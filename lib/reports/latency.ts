// Latency percentiles estimated from the rollups' cumulative histogram. Each rollup row counts the requests whose
// totalMs was <= 100, 250, 500, 1000, 2500, 5000, 10000 and 30000 ms (cumulative, like Prometheus' `le`
// buckets); requests above 30 s are `requests - lat30000`. A percentile is found in the first bucket whose
// cumulative count reaches its rank, then interpolated linearly inside that bucket (requests assumed spread
// evenly between its bounds; the first bucket starts at 0 ms). Above the last bound nothing is known, so a
// percentile that falls there is reported as 30000 ms with `overflow` set ("> 30 s"). The estimate is exact at
// bucket bounds and off by at most the bucket's width in between.

export const LATENCY_BOUNDS = [100, 250, 500, 1000, 2500, 5000, 10000, 30000] as const;
export const LATENCY_COLUMNS = LATENCY_BOUNDS.map((b) => `lat${b}`) as readonly LatencyColumn[];
export type LatencyColumn = `lat${(typeof LATENCY_BOUNDS)[number]}`;

/** Cumulative counts at each bound (same order as LATENCY_BOUNDS) and the total number of requests. */
export interface LatencyHistogram {
  counts: number[];
  total: number;
}

export interface LatencyEstimate {
  ms: number;
  /** The percentile lies above the last bound (30 s): `ms` is a floor. */
  overflow: boolean;
}

export function emptyHistogram(): LatencyHistogram {
  return { counts: LATENCY_BOUNDS.map(() => 0), total: 0 };
}

/** Adds a rollup row (or a summed row) to a histogram, in place. */
export function addToHistogram(h: LatencyHistogram, row: Record<LatencyColumn | "requests", unknown>): void {
  LATENCY_COLUMNS.forEach((c, i) => {
    h.counts[i]! += Number(row[c] ?? 0);
  });
  h.total += Number(row.requests ?? 0);
}

/** The p-th percentile (0 < p <= 100), or null when the histogram is empty. */
export function estimatePercentile(h: LatencyHistogram, p: number): LatencyEstimate | null {
  if (h.total <= 0) return null;
  const rank = (p / 100) * h.total;
  let below = 0;
  let lower = 0;
  for (let i = 0; i < LATENCY_BOUNDS.length; i++) {
    const upper = LATENCY_BOUNDS[i]!;
    const cum = h.counts[i]!;
    if (cum >= rank && cum > below) {
      const ms = lower + ((upper - lower) * (rank - below)) / (cum - below);
      return { ms: Math.round(ms), overflow: false };
    }
    below = Math.max(below, cum);
    lower = upper;
  }
  return { ms: LATENCY_BOUNDS[LATENCY_BOUNDS.length - 1]!, overflow: true };
}
