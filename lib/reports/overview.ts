// The workspace overview: balance, spend against the monthly budget, the range's headline numbers each compared
// with the previous period of equal length, and the chart series. Reads Tenant and UsageRollup only.
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { estimatePercentile, type LatencyEstimate } from "./latency";
import { loadNames } from "./names";
import { calendarPeriods, resolveRange, type RangeInput, type ResolvedRange } from "./range";
import {
  addSums,
  bucketIndexSql,
  bucketStartsParam,
  emptySums,
  iso,
  periodCosts,
  periodSums,
  sumsOf,
  SUMS_SQL,
  type RawRow,
  type RollupSums,
} from "./rollups";
import { reportingZone } from "./zone";

export interface Kpi<T> {
  current: T;
  previous: T;
  /** Relative change (0.25 = +25%); null when the previous value is 0 or unknown. */
  change: number | null;
}

export interface StackedSeries {
  /** Series in legend order; `key` is a safe chart data key ("s0"...), `label` the name shown. */
  series: Array<{ key: string; label: string }>;
  points: Array<Record<string, number | string> & { bucket: string }>;
}

export interface Overview {
  range: ResolvedRange;
  balanceMicros: bigint;
  monthlyBudgetMicros: bigint | null;
  spendToday: Kpi<bigint>;
  spendMonth: Kpi<bigint>;
  /** Month-to-date spend as a percentage of the monthly budget (null without a budget). */
  budgetUsedPercent: number | null;
  kpis: {
    spend: Kpi<bigint>;
    requests: Kpi<number>;
    tokens: Kpi<bigint>;
    /** Errors / requests (0..1); null without requests. */
    errorRate: Kpi<number | null>;
    p50: Kpi<LatencyEstimate | null>;
    p95: Kpi<LatencyEstimate | null>;
  };
  series: {
    spendByModel: StackedSeries; // USD
    requestsByProvider: StackedSeries;
    latency: Array<{ bucket: string; p50: number | null; p95: number | null }>;
    errors: Array<{
      bucket: string;
      clientErrors: number;
      rateLimited: number;
      upstreamErrors: number;
      clientClosed: number;
    }>;
  };
  /** Any request at all in the range or the previous period (false: show the first-request guide). */
  hasData: boolean;
}

/** Series beyond this many are summed into "Other" so stacked charts stay readable. */
const MAX_SERIES = 6;

export async function overview(
  db: Db,
  tenantId: string,
  input: RangeInput,
  now = new Date(),
): Promise<Overview> {
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: { balanceMicros: true, monthlyBudgetMicros: true, timeZone: true },
  });
  if (!tenant) throw new AppError("not_found", "Workspace not found.");
  const range = resolveRange(input, reportingZone(tenant.timeZone), now);
  const cal = calendarPeriods(range.timeZone, now);

  const rows = await db.$queryRawUnsafe<RawRow[]>(
    `SELECT ${bucketIndexSql("$4")} AS bucket, r."modelId", r."providerId", ${SUMS_SQL}
       FROM "UsageRollup" r
      WHERE r."tenantId" = $1 AND r."hour" >= $2::timestamp AND r."hour" < $3::timestamp
      GROUP BY 1, 2, 3`,
    tenantId,
    iso(range.from),
    iso(range.to),
    bucketStartsParam(range.bucketStarts),
  );
  for (const r of rows) r.bucket = range.buckets[Number(r.bucket) - 1] ?? "";
  const previous = await periodSums(db, tenantId, range.previous);
  const [today, yesterday, month, lastMonth] = await periodCosts(db, tenantId, [
    cal.today,
    cal.sameTimeYesterday,
    cal.month,
    cal.sameTimeLastMonth,
  ]);

  const current = rows.reduce((acc, r) => addSums(acc, r), emptySums());
  const names = await loadNames(db, tenantId, {
    model: rows.map((r) => String(r.modelId)),
    provider: rows.map((r) => String(r.providerId)),
  });

  return {
    range,
    balanceMicros: tenant.balanceMicros,
    monthlyBudgetMicros: tenant.monthlyBudgetMicros,
    spendToday: kpi(today!, yesterday!),
    spendMonth: kpi(month!, lastMonth!),
    budgetUsedPercent:
      tenant.monthlyBudgetMicros && tenant.monthlyBudgetMicros > 0n
        ? Number((month! * 10_000n) / tenant.monthlyBudgetMicros) / 100
        : null,
    kpis: headline(current, previous),
    series: {
      spendByModel: stack(
        range,
        rows,
        (r) => names.model(String(r.modelId) || null),
        (s) => Number(s.costMicros) / 1e6,
      ),
      requestsByProvider: stack(
        range,
        rows,
        (r) => names.provider(String(r.providerId) || null),
        (s) => s.requests,
      ),
      latency: perBucket(range, rows).map(({ bucket, sums }) => ({
        bucket,
        p50: estimatePercentile(sums.latency, 50)?.ms ?? null,
        p95: estimatePercentile(sums.latency, 95)?.ms ?? null,
      })),
      errors: perBucket(range, rows).map(({ bucket, sums }) => ({
        bucket,
        clientErrors: sums.clientErrors,
        rateLimited: sums.rateLimited,
        upstreamErrors: sums.upstreamErrors,
        clientClosed: sums.clientClosed,
      })),
    },
    hasData: current.requests > 0 || previous.requests > 0,
  };
}

function headline(cur: RollupSums, prev: RollupSums): Overview["kpis"] {
  const tokens = (s: RollupSums) => s.inputTokens + s.outputTokens;
  const rate = (s: RollupSums) => (s.requests > 0 ? s.errors / s.requests : null);
  const pct = (s: RollupSums, p: number) => estimatePercentile(s.latency, p);
  return {
    spend: kpi(cur.costMicros, prev.costMicros),
    requests: kpi(cur.requests, prev.requests),
    tokens: kpi(tokens(cur), tokens(prev)),
    errorRate: kpiOf(rate(cur), rate(prev), (v) => v),
    p50: kpiOf(pct(cur, 50), pct(prev, 50), (v) => v.ms),
    p95: kpiOf(pct(cur, 95), pct(prev, 95), (v) => v.ms),
  };
}

export function kpi<T extends number | bigint>(current: T, previous: T): Kpi<T> {
  return kpiOf(current, previous, (v) => Number(v));
}

function kpiOf<T>(current: T, previous: T, toNumber: (v: NonNullable<T>) => number): Kpi<T> {
  if (current === null || previous === null) return { current, previous, change: null };
  const prev = toNumber(previous as NonNullable<T>);
  const change = prev === 0 ? null : (toNumber(current as NonNullable<T>) - prev) / prev;
  return { current, previous, change };
}

/** Rows summed per bucket, every bucket of the range present (empty ones as zeros), in order. */
function perBucket(range: ResolvedRange, rows: RawRow[]): Array<{ bucket: string; sums: RollupSums }> {
  const by = new Map(range.buckets.map((b) => [b, emptySums()]));
  for (const r of rows) {
    const sums = by.get(String(r.bucket));
    if (sums) addSums(sums, r);
  }
  return [...by].map(([bucket, sums]) => ({ bucket, sums }));
}

/**
 * One stacked series per label (the largest MAX_SERIES - 1, the rest summed as "Other"), every bucket present.
 * `valueOf` must be additive over rows (a cost, a count).
 */
function stack(
  range: ResolvedRange,
  rows: RawRow[],
  labelOf: (r: RawRow) => string,
  valueOf: (s: RollupSums) => number,
): StackedSeries {
  const byLabel = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const label = labelOf(r);
    const buckets = byLabel.get(label) ?? new Map<string, number>();
    byLabel.set(label, buckets);
    const bucket = String(r.bucket);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + valueOf(sumsOf(r)));
  }
  const ranked = [...byLabel]
    .map(([label, buckets]) => ({ label, buckets, total: [...buckets.values()].reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
  const kept = ranked.length > MAX_SERIES ? ranked.slice(0, MAX_SERIES - 1) : ranked;
  if (kept.length < ranked.length) {
    const other = new Map<string, number>();
    for (const t of ranked.slice(kept.length))
      for (const [b, v] of t.buckets) other.set(b, (other.get(b) ?? 0) + v);
    kept.push({ label: "Other", buckets: other, total: 0 });
  }
  const series = kept.map((t, i) => ({ key: `s${i}`, label: t.label }));
  return {
    series,
    points: range.buckets.map((bucket) => {
      const point: Record<string, number | string> & { bucket: string } = { bucket };
      kept.forEach((t, i) => {
        point[`s${i}`] = t.buckets.get(bucket) ?? 0;
      });
      return point;
    }),
  };
}
