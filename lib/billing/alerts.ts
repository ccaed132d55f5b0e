// Budget alerts: when a workspace's monthly spend (or a key's spend) crosses 80% or 100% of its budget (limit),
// one BudgetAlert row is written per scope, period and threshold (unique: several instances crossing together
// raise it once), shown on the Billing page, e-mailed to the workspace's owners when SMTP is configured, and
// POSTed as JSON to the workspace's alert webhook when it has one. Never on the request path.
import { request } from "undici";
import type { Db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { isMailConfigured, sendMail } from "@/lib/mail";
import { log } from "@/lib/observability/log";
import { formatUsd } from "./ledger";

export const ALERT_THRESHOLDS = [80, 100] as const;

/** The thresholds crossed by going from `before` to `after` spent, against `limit`. */
export function crossedThresholds(before: bigint, after: bigint, limit: bigint): number[] {
  if (limit <= 0n) return [];
  return ALERT_THRESHOLDS.filter(
    (t) => before * 100n < limit * BigInt(t) && after * 100n >= limit * BigInt(t),
  );
}

export interface AlertInput {
  tenantId: string;
  scope: "workspace" | "key";
  scopeId: string;
  period: string;
  threshold: number;
  spentMicros: bigint;
  limitMicros: bigint;
}

/** Records the alert (once) and notifies; returns whether this call raised it. Never throws. */
export async function raiseBudgetAlert(db: Db, a: AlertInput): Promise<boolean> {
  try {
    const inserted = await db.$executeRawUnsafe(
      `INSERT INTO "BudgetAlert" ("id", "tenantId", "scope", "scopeId", "period", "threshold", "spentMicros", "limitMicros")
       VALUES ($1, $2, $3, $4, $5, $6, $7::bigint, $8::bigint)
       ON CONFLICT ("scopeId", "period", "threshold") DO NOTHING`,
      newId("bal"),
      a.tenantId,
      a.scope,
      a.scopeId,
      a.period,
      a.threshold,
      a.spentMicros.toString(),
      a.limitMicros.toString(),
    );
    if (inserted === 0) return false;
    await notify(db, a);
    return true;
  } catch (err) {
    log.warn("budget alert failed", { tenantId: a.tenantId, error: (err as Error).message });
    return false;
  }
}

async function notify(db: Db, a: AlertInput): Promise<void> {
  const tenant = await db.tenant.findUnique({
    where: { id: a.tenantId },
    select: {
      slug: true,
      name: true,
      budgetAlertWebhookUrl: true,
      memberships: { where: { role: "owner" }, select: { user: { select: { email: true } } } },
    },
  });
  if (!tenant) return;
  const what =
    a.scope === "workspace"
      ? `the monthly budget of workspace "${tenant.name}"`
      : `an API key's spend limit in "${tenant.name}"`;
  const text = `Switchyard: ${formatUsd(a.spentMicros)} spent, ${a.threshold}% of ${what} (${formatUsd(a.limitMicros)}) for ${a.period}.`;
  log.info("budget alert", {
    tenantId: a.tenantId,
    scope: a.scope,
    threshold: a.threshold,
    period: a.period,
  });
  if (tenant.budgetAlertWebhookUrl) {
    try {
      const res = await request(tenant.budgetAlertWebhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Switchyard-Alerts/1" },
        body: JSON.stringify({
          type: "budget.threshold",
          workspace: tenant.slug,
          scope: a.scope,
          scopeId: a.scopeId,
          period: a.period,
          threshold: a.threshold,
          spentUsd: formatUsd(a.spentMicros, 6).replace(/[$,]/g, ""),
          limitUsd: formatUsd(a.limitMicros, 6).replace(/[$,]/g, ""),
          text,
        }),
        headersTimeout: 5_000,
        bodyTimeout: 5_000,
      });
      await res.body.dump();
    } catch (err) {
      log.warn("budget alert webhook failed", { tenantId: a.tenantId, error: (err as Error).message });
    }
  }
  if (isMailConfigured()) {
    for (const m of tenant.memberships) {
      await sendMail({ to: m.user.email, subject: `Switchyard budget alert: ${a.threshold}%`, text });
    }
  }
}
