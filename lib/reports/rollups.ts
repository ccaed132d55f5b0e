// The shared SQL of the rollup reports. Every query reads UsageRollup only, filtered by tenantId and a half-open
// hour range first, so PostgreSQL walks the primary key (tenantId, hour, ...) and never scans UsageRecord.
// `hour` is a UTC timestamp without time zone (Prisma's DateTime): ranges are passed as ISO strings cast to
// timestamp, and rows are put in the zone's buckets by the buckets' UTC start instants (computed in JS).
import type { Db } from "@/lib/db/client";
import { ROLLUP_BIG_COLUMNS, ROLLUP_COUNT_COLUMNS } from "@/lib/usage/rollup-columns";
import { addToHistogram, emptyHistogram, LATENCY_COLUMNS, type LatencyHistogram } from "./latency";
import type { Period } from "./range";

export type RawRow = Record<string, unknown>;

/** Sums of a group of rollup rows, as report code uses them (counts as numbers, tokens and money as BigInt). */
export interface RollupSums {
  requests: number;
  errors: number;
  clientErrors: number;
  rateLimited: number;
  upstreamErrors: number;
  clientClosed: number;
  cacheHits: number;
  inputTokens: bigint;
  cachedInputTokens: bigint;
  outputTokens: bigint;
  reasoningTokens: bigint;
  costMicros: bigint;
  providerCostMicros: bigint;
  latency: LatencyHistogram;
}

/** Rollup counters that reports do not show; every other counter is summed into RollupSums. */
const NOT_REPORTED = ["estimated", "cacheWriteTokens", "totalMsSum"] as const;
type Reported<C extends string> = Exclude<C, (typeof NOT_REPORTED)[number]>;
function reported<C extends string>(columns: readonly C[]): Array<Reported<C>> {
  return columns.filter((c): c is Reported<C> => !(NOT_REPORTED as readonly string[]).includes(c));
}
const COUNT_COLUMNS = reported(ROLLUP_COUNT_COLUMNS);
const BIG_COLUMNS = reported(ROLLUP_BIG_COLUMNS);

/** The SELECT list summing every column reports use (always cast to bigint: exact, and one JS type back). */
export const SUMS_SQL = [...COUNT_COLUMNS, ...BIG_COLUMNS, ...LATENCY_COLUMNS]
  .map((c) => `COALESCE(SUM(r."${c}"), 0)::bigint AS "${c}"`)
  .join(", ");

/**
 * The 1-based index of a rollup row's bucket: width_bucket over the buckets' start instants (a binary search per
 * row, no time-zone conversion in SQL; measured on PGlite, converting each row's hour to the zone took most of the
 * overview's time). `startsParam` is a timestamp[] parameter made by bucketStartsParam.
 */
export function bucketIndexSql(startsParam: string): string {
  return `width_bucket(r."hour", ${startsParam}::timestamp[])`;
}

/** The buckets' starts as a PostgreSQL array literal of UTC timestamps ('{"2026-11-24T05:00:00.000Z",...}'). */
export function bucketStartsParam(starts: Date[]): string {
  return `{${starts.map((d) => `"${d.toISOString()}"`).join(",")}}`;
}

export function emptySums(): RollupSums {
  return {
    requests: 0,
    errors: 0,
    clientErrors: 0,
    rateLimited: 0,
    upstreamErrors: 0,
    clientClosed: 0,
    cacheHits: 0,
    inputTokens: 0n,
    cachedInputTokens: 0n,
    outputTokens: 0n,
    reasoningTokens: 0n,
    costMicros: 0n,
    providerCostMicros: 0n,
    latency: emptyHistogram(),
  };
}

/** Adds a row selected with SUMS_SQL into `into` (in place) and returns it. */
export function addSums(into: RollupSums, row: RawRow): RollupSums {
  for (const c of COUNT_COLUMNS) into[c] += Number(row[c] ?? 0);
  for (const c of BIG_COLUMNS) into[c] += BigInt((row[c] as bigint | string | number | null) ?? 0);
  addToHistogram(into.latency, row as Parameters<typeof addToHistogram>[1]);
  return into;
}

export function sumsOf(row: RawRow | undefined): RollupSums {
  return row ? addSums(emptySums(), row) : emptySums();
}

/** Totals over one period. */
export async function periodSums(db: Db, tenantId: string, p: Period): Promise<RollupSums> {
  const rows = await db.$queryRawUnsafe<RawRow[]>(
    `SELECT ${SUMS_SQL} FROM "UsageRollup" r
      WHERE r."tenantId" = $1 AND r."hour" >= $2::timestamp AND r."hour" < $3::timestamp`,
    tenantId,
    iso(p.from),
    iso(p.to),
  );
  return sumsOf(rows[0]);
}

/** Charged cost in each of several periods, in one pass over the hours they span. */
export async function periodCosts(db: Db, tenantId: string, periods: Period[]): Promise<bigint[]> {
  const from = new Date(Math.min(...periods.map((p) => p.from.getTime())));
  const to = new Date(Math.max(...periods.map((p) => p.to.getTime())));
  const params: unknown[] = [tenantId, iso(from), iso(to)];
  const sums = periods.map((p) => {
    params.push(iso(p.from), iso(p.to));
    const [a, b] = [params.length - 1, params.length];
    return `COALESCE(SUM(r."costMicros") FILTER (WHERE r."hour" >= $${a}::timestamp AND r."hour" < $${b}::timestamp), 0)::bigint AS c${periods.indexOf(p)}`;
  });
  const rows = await db.$queryRawUnsafe<RawRow[]>(
    `SELECT ${sums.join(", ")} FROM "UsageRollup" r
      WHERE r."tenantId" = $1 AND r."hour" >= $2::timestamp AND r."hour" < $3::timestamp`,
    ...params,
  );
  return periods.map((_, i) => BigInt((rows[0]?.[`c${i}`] as bigint | undefined) ?? 0));
}

export function iso(d: Date): string {
  return d.toISOString();
}
