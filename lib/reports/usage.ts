// The usage report: requests, tokens, provider cost and charged cost side by side (the difference is the
// markup), grouped by day (in the workspace's zone), model, provider, deployment or API key, with totals.
// Reads UsageRollup only; every query is scoped by tenantId and walks its primary key.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { formatUsd } from "@/lib/billing/ledger";
import { loadNames, type Dimension } from "./names";
import { resolveRange, type RangeInput, type ResolvedRange } from "./range";
import {
  addSums,
  bucketIndexSql,
  bucketStartsParam,
  emptySums,
  iso,
  SUMS_SQL,
  type RawRow,
  type RollupSums,
} from "./rollups";
import { reportingZone } from "./zone";

export const GROUP_BYS = ["day", "model", "provider", "deployment", "key"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export const UsageFilters = z.object({
  modelId: z.string().min(1).max(100).optional(),
  providerId: z.string().min(1).max(100).optional(),
  apiKeyId: z.string().min(1).max(100).optional(),
});
export type UsageFilters = z.infer<typeof UsageFilters>;

export interface UsageQuery {
  range: RangeInput;
  groupBy: GroupBy;
  filters?: UsageFilters;
}

export interface UsageRow {
  /** The group's id ('' for an absent dimension) or the day ("2026-11-24"). */
  key: string;
  label: string;
  requests: number;
  errors: number;
  inputTokens: bigint;
  cachedInputTokens: bigint;
  outputTokens: bigint;
  reasoningTokens: bigint;
  providerCostMicros: bigint;
  costMicros: bigint;
  /** costMicros - providerCostMicros: what the markup added. */
  markupMicros: bigint;
}

export interface UsageReport {
  range: ResolvedRange;
  groupBy: GroupBy;
  filters: UsageFilters;
  rows: UsageRow[];
  totals: UsageRow;
}

const GROUP_COLUMN: Record<Exclude<GroupBy, "day">, string> = {
  model: `r."modelId"`,
  provider: `r."providerId"`,
  deployment: `r."deploymentId"`,
  key: `r."apiKeyId"`,
};

const FILTER_COLUMN: Record<keyof UsageFilters, string> = {
  modelId: `r."modelId"`,
  providerId: `r."providerId"`,
  apiKeyId: `r."apiKeyId"`,
};

export async function usageReport(
  db: Db,
  tenantId: string,
  q: UsageQuery,
  now = new Date(),
): Promise<UsageReport> {
  if (!GROUP_BYS.includes(q.groupBy)) {
    throw new AppError("invalid_request", `groupBy must be one of ${GROUP_BYS.join(", ")}.`, {
      param: "groupBy",
    });
  }
  const filters = UsageFilters.parse(q.filters ?? {});
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { timeZone: true } });
  if (!tenant) throw new AppError("not_found", "Workspace not found.");
  const range = resolveRange(q.range, reportingZone(tenant.timeZone), now);

  const params: unknown[] = [tenantId, iso(range.from), iso(range.to)];
  let group: string;
  if (q.groupBy === "day") {
    params.push(bucketStartsParam(range.bucketStarts));
    group = bucketIndexSql(`$${params.length}`);
  } else {
    group = GROUP_COLUMN[q.groupBy];
  }
  const where = (Object.keys(FILTER_COLUMN) as Array<keyof UsageFilters>)
    .filter((f) => filters[f] !== undefined)
    .map((f) => {
      params.push(filters[f]);
      return ` AND ${FILTER_COLUMN[f]} = $${params.length}`;
    })
    .join("");
  const rows = await db.$queryRawUnsafe<RawRow[]>(
    `SELECT ${group} AS "group", ${SUMS_SQL}
       FROM "UsageRollup" r
      WHERE r."tenantId" = $1 AND r."hour" >= $2::timestamp AND r."hour" < $3::timestamp${where}
      GROUP BY 1`,
    ...params,
  );

  const dimension = q.groupBy === "day" ? null : (q.groupBy as Dimension);
  const names = dimension
    ? await loadNames(db, tenantId, { [dimension]: rows.map((r) => String(r.group)) })
    : null;
  const result = rows.map((r) => {
    const key = q.groupBy === "day" ? (range.buckets[Number(r.group) - 1] ?? "") : String(r.group);
    return toRow(key, names && dimension ? names.of(dimension, key || null) : key, addSums(emptySums(), r));
  });
  result.sort((a, b) =>
    q.groupBy === "day"
      ? a.key.localeCompare(b.key)
      : compareBig(b.costMicros, a.costMicros) || b.requests - a.requests || a.label.localeCompare(b.label),
  );
  const totals = rows.reduce((acc, r) => addSums(acc, r), emptySums());
  return { range, groupBy: q.groupBy, filters, rows: result, totals: toRow("", "Total", totals) };
}

function toRow(key: string, label: string, s: RollupSums): UsageRow {
  return {
    key,
    label,
    requests: s.requests,
    errors: s.errors,
    inputTokens: s.inputTokens,
    cachedInputTokens: s.cachedInputTokens,
    outputTokens: s.outputTokens,
    reasoningTokens: s.reasoningTokens,
    providerCostMicros: s.providerCostMicros,
    costMicros: s.costMicros,
    markupMicros: s.costMicros - s.providerCostMicros,
  };
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const CSV_HEADER = [
  "group",
  "requests",
  "errors",
  "input_tokens",
  "cached_input_tokens",
  "output_tokens",
  "reasoning_tokens",
  "provider_cost_usd",
  "markup_usd",
  "charged_usd",
];

/** The report as CSV (exact micro-dollar amounts as 6-decimal USD), rows then a total line. */
export async function usageCsv(db: Db, tenantId: string, q: UsageQuery, now = new Date()): Promise<string> {
  const report = await usageReport(db, tenantId, q, now);
  return reportToCsv(report);
}

export function reportToCsv(report: UsageReport): string {
  const usd = (m: bigint) => formatUsd(m, 6).replace("$", "").replaceAll(",", "");
  const line = (r: UsageRow) =>
    [
      r.label,
      r.requests,
      r.errors,
      r.inputTokens,
      r.cachedInputTokens,
      r.outputTokens,
      r.reasoningTokens,
      usd(r.providerCostMicros),
      usd(r.markupMicros),
      usd(r.costMicros),
    ]
      .map((v) => csvField(String(v)))
      .join(",");
  const header = [report.groupBy, ...CSV_HEADER.slice(1)].join(",");
  return [header, ...report.rows.map(line), line(report.totals)].join("\r\n") + "\r\n";
}

/** RFC 4180 quoting, and a leading ' for values a spreadsheet would run as a formula. */
export function csvField(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) && !/^-?\d/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
