// Monthly statements: what a workspace used (from UsageRollup only, never the raw usage records) and how its
// balance moved (LedgerEntry) in one calendar month of its own time zone (Tenant.timeZone).
//
// Month boundaries: the month runs from local midnight on the 1st to local midnight on the 1st of the next
// month. Rollups are hourly UTC buckets, so each boundary is rounded down to the whole UTC hour: exact for every
// zone whose offset is whole hours (including across DST changes); for half- and quarter-hour zones (India
// +05:30, Nepal +05:45, Newfoundland -03:30...) a month's usage starts and ends 30 or 45 minutes before local
// midnight. Every bucket still lands in exactly one month, so statements add up. Ledger movements use the same
// rounded boundaries, so both halves of a statement cover the same instants.
import type { Db } from "@/lib/db/client";
import type { LedgerKind } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/errors";
import { CRLF, csvField, csvLines, csvText, microsToUsd } from "./csv";
import { isValidTimeZone, zonedTime, zoneOffsetMs } from "@/lib/reports/zone";

const HOUR_MS = 3_600_000;

export interface UsageTotals {
  requests: number;
  inputTokens: bigint;
  cachedInputTokens: bigint;
  cacheWriteTokens: bigint;
  outputTokens: bigint;
  providerCostMicros: bigint;
  costMicros: bigint;
}

export interface Statement {
  workspace: { id: string; slug: string; name: string };
  month: string;
  timeZone: string;
  /** The period covered, [from, to), UTC instants on whole hours. */
  from: Date;
  to: Date;
  generatedAt: Date;
  byModel: (UsageTotals & { model: string })[];
  byKey: (UsageTotals & { apiKeyId: string | null; key: string })[];
  totals: UsageTotals;
  ledger: {
    openingBalanceMicros: bigint;
    closingBalanceMicros: bigint;
    /** Every movement except usage charges, oldest first. */
    entries: {
      id: string;
      createdAt: Date;
      kind: LedgerKind;
      description: string;
      reference: string | null;
      amountMicros: bigint;
    }[];
    /** Usage charges are posted in batches (many per day): summed here. */
    usage: { entries: number; requestCount: number; amountMicros: bigint };
    byKind: Record<LedgerKind, bigint>;
    netMicros: bigint;
  };
}

export const LEDGER_KINDS: readonly LedgerKind[] = ["topup", "refund", "grant", "adjustment", "usage"];

// ---- months and zones (pure) ----

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parseMonth(month: string): { year: number; month: number } {
  const m = MONTH.exec(month);
  if (!m || Number(m[1]) < 2000) {
    throw new AppError("invalid_request", "month: Use the form YYYY-MM, for example 2026-11.", {
      param: "month",
    });
  }
  return { year: Number(m[1]), month: Number(m[2]) };
}


/** The zone's offset from UTC at `instant`, in minutes (Europe/Paris in winter: 60). */
export function zoneOffsetMinutes(instant: number, timeZone: string): number {
  return Math.round(zoneOffsetMs(new Date(instant), timeZone) / 60_000);
}

/** The UTC instant of local midnight starting day 1 of (year, month) in the zone (month may be 13: next January). */
function localMonthStart(year: number, month: number, timeZone: string): number {
  return zonedTime(timeZone, year, month, 1).getTime();
}

/** The month's period [from, to) in the zone, rounded down to whole UTC hours (the rollup buckets). */
export function monthPeriod(month: string, timeZone: string): { from: Date; to: Date } {
  const { year, month: m } = parseMonth(month);
  const tz = isValidTimeZone(timeZone) ? timeZone : "UTC";
  const floorHour = (t: number) => new Date(Math.floor(t / HOUR_MS) * HOUR_MS);
  return { from: floorHour(localMonthStart(year, m, tz)), to: floorHour(localMonthStart(year, m + 1, tz)) };
}

// ---- the statement ----

/** Usage totals of nothing: the start of every sum in a statement. */
export function zeroTotals(): UsageTotals {
  return {
    requests: 0,
    inputTokens: 0n,
    cachedInputTokens: 0n,
    cacheWriteTokens: 0n,
    outputTokens: 0n,
    providerCostMicros: 0n,
    costMicros: 0n,
  };
}

function add(into: UsageTotals, r: UsageTotals): void {
  into.requests += r.requests;
  into.inputTokens += r.inputTokens;
  into.cachedInputTokens += r.cachedInputTokens;
  into.cacheWriteTokens += r.cacheWriteTokens;
  into.outputTokens += r.outputTokens;
  into.providerCostMicros += r.providerCostMicros;
  into.costMicros += r.costMicros;
}

/** Charged cost first, then name: the biggest lines lead. */
function byCostThenName<T extends UsageTotals>(name: (t: T) => string) {
  return (a: T, b: T) =>
    a.costMicros === b.costMicros ? name(a).localeCompare(name(b)) : a.costMicros > b.costMicros ? -1 : 1;
}

/** The workspace's statement for `month` ("YYYY-MM"), in its time zone. Scoped by tenantId in every query. */
export async function monthlyStatement(
  db: Db,
  tenantId: string,
  month: string,
  now = new Date(),
): Promise<Statement> {
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: { id: true, slug: true, name: true, timeZone: true },
  });
  if (!tenant) throw new AppError("not_found", "Workspace not found.");
  const timeZone = isValidTimeZone(tenant.timeZone) ? tenant.timeZone : "UTC";
  const { from, to } = monthPeriod(month, timeZone);

  const [groups, entries, usage, opening] = await Promise.all([
    db.usageRollup.groupBy({
      by: ["modelId", "requestedModel", "apiKeyId"],
      where: { tenantId, hour: { gte: from, lt: to } },
      _sum: {
        requests: true,
        inputTokens: true,
        cachedInputTokens: true,
        cacheWriteTokens: true,
        outputTokens: true,
        providerCostMicros: true,
        costMicros: true,
      },
    }),
    db.ledgerEntry.findMany({
      where: { tenantId, kind: { not: "usage" }, createdAt: { gte: from, lt: to } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    db.ledgerEntry.aggregate({
      where: { tenantId, kind: "usage", createdAt: { gte: from, lt: to } },
      _sum: { amountMicros: true, requestCount: true },
      _count: true,
    }),
    db.ledgerEntry.aggregate({ where: { tenantId, createdAt: { lt: from } }, _sum: { amountMicros: true } }),
  ]);

  const modelIds = [...new Set(groups.map((g) => g.modelId).filter(Boolean))];
  const keyIds = [...new Set(groups.map((g) => g.apiKeyId).filter(Boolean))];
  const [models, keys] = await Promise.all([
    db.model.findMany({ where: { id: { in: modelIds } }, select: { id: true, name: true } }),
    db.apiKey.findMany({ where: { tenantId, id: { in: keyIds } }, select: { id: true, name: true } }),
  ]);
  const modelName = new Map(models.map((m) => [m.id, m.name]));
  const keyName = new Map(keys.map((k) => [k.id, k.name]));

  const byModel = new Map<string, UsageTotals & { model: string }>();
  const byKey = new Map<string, UsageTotals & { apiKeyId: string | null; key: string }>();
  const totals = zeroTotals();
  for (const g of groups) {
    const s = g._sum;
    const row: UsageTotals = {
      requests: s.requests ?? 0,
      inputTokens: s.inputTokens ?? 0n,
      cachedInputTokens: s.cachedInputTokens ?? 0n,
      cacheWriteTokens: s.cacheWriteTokens ?? 0n,
      outputTokens: s.outputTokens ?? 0n,
      providerCostMicros: s.providerCostMicros ?? 0n,
      costMicros: s.costMicros ?? 0n,
    };
    // Requests that resolved to no model (an unknown name) are listed under the name the client sent.
    const model = (g.modelId && modelName.get(g.modelId)) || g.requestedModel || "(unknown)";
    let m = byModel.get(model);
    if (!m) byModel.set(model, (m = { model, ...zeroTotals() }));
    add(m, row);
    const keyId = g.apiKeyId || null;
    const kk = keyId ?? "";
    let k = byKey.get(kk);
    if (!k)
      byKey.set(
        kk,
        (k = {
          apiKeyId: keyId,
          key: keyId ? (keyName.get(keyId) ?? "(deleted key)") : "(no key)",
          ...zeroTotals(),
        }),
      );
    add(k, row);
    add(totals, row);
  }

  const byKind = Object.fromEntries(LEDGER_KINDS.map((k) => [k, 0n])) as Record<LedgerKind, bigint>;
  for (const e of entries) byKind[e.kind] += e.amountMicros;
  byKind.usage = usage._sum.amountMicros ?? 0n;
  const netMicros = LEDGER_KINDS.reduce((n, k) => n + byKind[k], 0n);
  const openingBalanceMicros = opening._sum.amountMicros ?? 0n;

  return {
    workspace: { id: tenant.id, slug: tenant.slug, name: tenant.name },
    month,
    timeZone,
    from,
    to,
    generatedAt: now,
    byModel: [...byModel.values()].sort(byCostThenName((r) => r.model)),
    byKey: [...byKey.values()].sort(byCostThenName((r) => r.key)),
    totals,
    ledger: {
      openingBalanceMicros,
      closingBalanceMicros: openingBalanceMicros + netMicros,
      entries: entries.map((e) => ({
        id: e.id,
        createdAt: e.createdAt,
        kind: e.kind,
        description: e.description,
        reference: e.reference,
        amountMicros: e.amountMicros,
      })),
      usage: {
        entries: usage._count,
        requestCount: usage._sum.requestCount ?? 0,
        amountMicros: byKind.usage,
      },
      byKind,
      netMicros,
    },
  };
}

// ---- CSV ----

const USAGE_COLUMNS = [
  "Requests",
  "Input tokens",
  "Cached input tokens",
  "Cache write tokens",
  "Output tokens",
  "Provider cost (USD)",
  "Charged (USD)",
];

function usageFields(t: UsageTotals): string[] {
  return [
    csvField(t.requests),
    csvField(t.inputTokens),
    csvField(t.cachedInputTokens),
    csvField(t.cacheWriteTokens),
    csvField(t.outputTokens),
    microsToUsd(t.providerCostMicros),
    microsToUsd(t.costMicros),
  ];
}

const KIND_LABEL: Record<LedgerKind, string> = {
  topup: "Top-ups",
  refund: "Refunds",
  grant: "Grants",
  adjustment: "Adjustments",
  usage: "Usage charges",
};

/**
 * The statement as CSV: a header block (workspace, month, zone, period, balances), then sections separated by a
 * blank line: usage by model, usage by API key, ledger movements, totals by kind. Amounts in USD, six decimals.
 */
export function statementCsv(s: Statement): string {
  const l = s.ledger;
  const header = [
    ["Switchyard statement"],
    ["Workspace", csvText(s.workspace.name)],
    ["Workspace slug", csvText(s.workspace.slug)],
    ["Month", s.month],
    ["Time zone", csvText(s.timeZone)],
    ["Period start (UTC)", s.from.toISOString()],
    ["Period end (UTC)", s.to.toISOString()],
    ["Generated at (UTC)", s.generatedAt.toISOString()],
    ["Currency", "USD"],
    ["Opening balance (USD)", microsToUsd(l.openingBalanceMicros)],
    ["Closing balance (USD)", microsToUsd(l.closingBalanceMicros)],
  ];
  const models = [
    ["Usage by model"],
    ["Model", ...USAGE_COLUMNS],
    ...s.byModel.map((r) => [csvText(r.model), ...usageFields(r)]),
    ["Total", ...usageFields(s.totals)],
  ];
  const keys = [
    ["Usage by API key"],
    ["API key", "Key id", ...USAGE_COLUMNS],
    ...s.byKey.map((r) => [csvText(r.key), csvField(r.apiKeyId), ...usageFields(r)]),
    ["Total", "", ...usageFields(s.totals)],
  ];
  const ledger = [
    ["Ledger movements"],
    ["Date (UTC)", "Kind", "Description", "Reference", "Amount (USD)"],
    ...l.entries.map((e) => [
      e.createdAt.toISOString(),
      e.kind,
      csvText(e.description),
      csvText(e.reference),
      microsToUsd(e.amountMicros),
    ]),
    ...(l.usage.entries > 0
      ? [
          [
            "",
            "usage",
            csvText(`Usage charges (${l.usage.requestCount} requests in ${l.usage.entries} batches)`),
            "",
            microsToUsd(l.usage.amountMicros),
          ],
        ]
      : []),
  ];
  const kinds = [
    ["Totals by kind"],
    ["Kind", "Amount (USD)"],
    ...LEDGER_KINDS.map((k) => [KIND_LABEL[k], microsToUsd(l.byKind[k])]),
    ["Net", microsToUsd(l.netMicros)],
  ];
  return [header, models, keys, ledger, kinds].map(csvLines).join(CRLF);
}

/** switchyard-<slug>-<month>.csv */
export function statementFilename(slug: string, month: string): string {
  return `switchyard-${slug.replace(/[^a-z0-9-]/gi, "")}-${month}.csv`;
}
