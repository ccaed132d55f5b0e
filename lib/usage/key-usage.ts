// Per-key usage for the API keys page, read from the hourly rollups (never the raw records): requests and spend
// this calendar month (UTC), and for keys whose spend limit counts their whole life, spend since creation.
// Scoped by construction: every query carries `tenantId: ctx.tenant.id`.
import { monthStartUtc } from "@/lib/billing/budget";
import type { TenantCtx } from "@/lib/tenancy/context";

export interface KeyUsage {
  requestsThisMonth: number;
  spendThisMonthMicros: bigint;
  /** All-time spend; only for the keys asked for in `totalFor` (null otherwise). */
  spendTotalMicros: bigint | null;
}

/** Usage of the workspace's keys, by key id; a key with no traffic is absent (treat it as zero). */
export async function getKeyUsage(
  ctx: TenantCtx,
  opts: { totalFor?: readonly string[]; now?: Date } = {},
): Promise<Map<string, KeyUsage>> {
  const totalFor = opts.totalFor ?? [];
  const [month, total] = await Promise.all([
    ctx.db.usageRollup.groupBy({
      by: ["apiKeyId"],
      where: { tenantId: ctx.tenant.id, hour: { gte: monthStartUtc(opts.now ?? new Date()) }, apiKeyId: { not: "" } },
      _sum: { requests: true, costMicros: true },
    }),
    totalFor.length === 0
      ? []
      : ctx.db.usageRollup.groupBy({
          by: ["apiKeyId"],
          where: { tenantId: ctx.tenant.id, apiKeyId: { in: [...totalFor] } },
          _sum: { costMicros: true },
        }),
  ]);
  const out = new Map<string, KeyUsage>();
  const entry = (id: string) => {
    let e = out.get(id);
    if (!e) {
      e = { requestsThisMonth: 0, spendThisMonthMicros: 0n, spendTotalMicros: totalFor.includes(id) ? 0n : null };
      out.set(id, e);
    }
    return e;
  };
  for (const r of month) {
    const e = entry(r.apiKeyId);
    e.requestsThisMonth = r._sum.requests ?? 0;
    e.spendThisMonthMicros = r._sum.costMicros ?? 0n;
  }
  for (const r of total) entry(r.apiKeyId).spendTotalMicros = r._sum.costMicros ?? 0n;
  return out;
}
