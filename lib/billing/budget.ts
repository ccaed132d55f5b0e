// A workspace's monthly budget and its alert settings (admins and owners), the alerts raised (by the relay's
// spend tracking, lib/billing/spend.ts), and this month's spend, read from the hourly rollups.
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { requireRole, type TenantCtx } from "@/lib/tenancy/context";

export const AlertWebhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "https:" || u.protocol === "http:") && Boolean(u.hostname);
    } catch {
      return false;
    }
  }, "Enter an http(s) URL.");

export interface BudgetInput {
  monthlyBudgetMicros: bigint | null;
  hardLimit: boolean;
  alertWebhookUrl: string | null;
}

export async function setBudget(db: Db, ctx: TenantCtx, input: BudgetInput) {
  requireRole(ctx, "admin", "change the budget");
  if (input.monthlyBudgetMicros !== null && input.monthlyBudgetMicros <= 0n) {
    throw new AppError("invalid_request", "The monthly budget must be more than $0 (or none).", {
      param: "monthlyBudgetUsd",
    });
  }
  let url: string | null = null;
  if (input.alertWebhookUrl?.trim()) {
    const parsed = AlertWebhookUrl.safeParse(input.alertWebhookUrl);
    if (!parsed.success) {
      throw new AppError("invalid_request", "The alert webhook must be an http(s) URL.", {
        param: "alertWebhookUrl",
      });
    }
    url = parsed.data;
  }
  const updated = await db.tenant.update({
    where: { id: ctx.tenant.id },
    data: {
      monthlyBudgetMicros: input.monthlyBudgetMicros,
      budgetHardLimit: input.monthlyBudgetMicros === null ? false : input.hardLimit,
      budgetAlertWebhookUrl: url,
    },
    select: { monthlyBudgetMicros: true, budgetHardLimit: true, budgetAlertWebhookUrl: true },
  });
  await recordAudit(db, {
    tenantId: ctx.tenant.id,
    actorUserId: ctx.user?.id ?? null,
    action: "budget.set",
    target: ctx.tenant.id,
    details: { ...updated },
  });
  return updated;
}

export async function listBudgetAlerts(db: Db, ctx: TenantCtx, take = 20) {
  return db.budgetAlert.findMany({
    where: { tenantId: ctx.tenant.id },
    orderBy: { createdAt: "desc" },
    take: Math.min(take, 100),
  });
}

/** The first instant of the UTC calendar month containing `at`. */
export function monthStartUtc(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** What the workspace was charged this (UTC) month, from the hourly rollups. */
export async function monthSpendMicros(db: Db, ctx: TenantCtx, at = new Date()): Promise<bigint> {
  const r = await db.usageRollup.aggregate({
    where: { tenantId: ctx.tenant.id, hour: { gte: monthStartUtc(at) } },
    _sum: { costMicros: true },
  });
  return r._sum.costMicros ?? 0n;
}
