// Everything the workspace's Billing page shows, in one read (scoped by tenant): balance, settings, this month's
// spend against the budget, top-ups, non-usage ledger entries, usage summarized per month, budget alerts.
import type { Db } from "@/lib/db/client";
import type { TenantCtx } from "@/lib/tenancy/context";
import { listBudgetAlerts, monthSpendMicros, monthStartUtc } from "./budget";
import { listEntries } from "./ledger";
import { loadBillingSettings } from "./settings";
import { stripeConfigured } from "./stripe";
import { listTopUps } from "./topups";

export async function getBillingOverview(db: Db, ctx: TenantCtx, now = new Date()) {
  const monthStart = monthStartUtc(now);
  const [tenant, settings, spend, topUps, entries, usage, alerts] = await Promise.all([
    db.tenant.findUniqueOrThrow({
      where: { id: ctx.tenant.id },
      select: {
        balanceMicros: true,
        reservedMicros: true,
        monthlyBudgetMicros: true,
        budgetHardLimit: true,
        budgetAlertWebhookUrl: true,
        stripePaymentMethodId: true,
        autoTopUpEnabled: true,
        autoTopUpThresholdMicros: true,
        autoTopUpAmountMicros: true,
        autoTopUpPendingAt: true,
      },
    }),
    loadBillingSettings(db),
    monthSpendMicros(db, ctx, now),
    listTopUps(db, ctx, 50),
    listEntries(db, ctx.tenant.id, { take: 50, kinds: ["topup", "refund", "adjustment", "grant"] }),
    db.ledgerEntry.aggregate({
      where: { tenantId: ctx.tenant.id, kind: "usage", createdAt: { gte: monthStart } },
      _sum: { amountMicros: true, requestCount: true },
    }),
    listBudgetAlerts(db, ctx, 10),
  ]);
  const receipts = new Map(
    topUps.filter((t) => t.stripePaymentIntentId).map((t) => [t.stripePaymentIntentId!, t]),
  );
  return {
    tenant,
    settings,
    stripe: stripeConfigured(),
    monthStart,
    monthSpendMicros: spend,
    usageThisMonth: { micros: -(usage._sum.amountMicros ?? 0n), requests: usage._sum.requestCount ?? 0 },
    topUps,
    entries: entries.map((e) => ({
      ...e,
      receiptUrl: e.reference ? (receipts.get(e.reference)?.receiptUrl ?? null) : null,
    })),
    alerts,
  };
}

/** "2026-11", "2026-10", "2026-09": the months whose statements the page links. */
export function recentMonths(now: Date, count = 3): string[] {
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  });
}
