// Budget settings, the billing overview and the webhook without Stripe configured, on both databases.
import { beforeAll, expect, it } from "vitest";
import { setBudget } from "@/lib/billing/budget";
import { getBillingOverview, recentMonths } from "@/lib/billing/overview";
import { handleStripeWebhook } from "@/lib/billing/webhook";
import { resetEnvCache } from "@/lib/env";
import { newId } from "@/lib/ids";
import { getTenantCtx, type TenantCtx } from "@/lib/tenancy/context";
import { createUserWithWorkspace } from "@/lib/tenancy/users";
import { describeEachDatabase } from "./helpers/db";

const USD = 1_000_000n;

describeEachDatabase("billing settings", (getDb) => {
  const db = () => getDb().prisma;
  let ctx: TenantCtx;

  beforeAll(async () => {
    for (const name of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"])
      delete process.env[name];
    resetEnvCache();
    const { user, tenant } = await createUserWithWorkspace(db(), {
      email: `budget-${newId("usr")}@example.test`,
      password: "Correct-Horse-42",
    });
    ctx = await getTenantCtx(db(), user.id, tenant.slug);
  });

  it("admins set a monthly budget, hard limit and an http(s) alert webhook; members cannot", async () => {
    const saved = await setBudget(
      db(),
      { ...ctx, role: "admin" },
      {
        monthlyBudgetMicros: 100n * USD,
        hardLimit: true,
        alertWebhookUrl: " https://hooks.example.test/budget ",
      },
    );
    expect(saved).toEqual({
      monthlyBudgetMicros: 100n * USD,
      budgetHardLimit: true,
      budgetAlertWebhookUrl: "https://hooks.example.test/budget",
    });
    await expect(
      setBudget(db(), ctx, {
        monthlyBudgetMicros: 100n * USD,
        hardLimit: false,
        alertWebhookUrl: "ftp://x.test/",
      }),
    ).rejects.toMatchObject({ code: "invalid_request", param: "alertWebhookUrl" });
    await expect(
      setBudget(db(), ctx, {
        monthlyBudgetMicros: 100n * USD,
        hardLimit: false,
        alertWebhookUrl: "javascript:alert(1)",
      }),
    ).rejects.toMatchObject({ param: "alertWebhookUrl" });
    await expect(
      setBudget(db(), ctx, { monthlyBudgetMicros: 0n, hardLimit: false, alertWebhookUrl: null }),
    ).rejects.toMatchObject({ param: "monthlyBudgetUsd" });
    await expect(
      setBudget(
        db(),
        { ...ctx, role: "member" },
        { monthlyBudgetMicros: null, hardLimit: false, alertWebhookUrl: null },
      ),
    ).rejects.toMatchObject({ code: "permission_denied" });
    // Removing the budget turns the hard limit off with it.
    expect(
      await setBudget(db(), ctx, { monthlyBudgetMicros: null, hardLimit: true, alertWebhookUrl: null }),
    ).toEqual({
      monthlyBudgetMicros: null,
      budgetHardLimit: false,
      budgetAlertWebhookUrl: null,
    });
    expect(await db().auditLog.count({ where: { tenantId: ctx.tenant.id, action: "budget.set" } })).toBe(2);
  });

  it("the overview sums this month's rollups only, and says Stripe is off", async () => {
    const now = new Date(Date.UTC(2026, 10, 20, 12));
    const row = (hour: Date, costMicros: bigint) => ({
      tenantId: ctx.tenant.id,
      hour,
      apiKeyId: "",
      modelId: "m",
      requestedModel: "m",
      providerId: "",
      deploymentId: "",
      requests: 1,
      costMicros,
    });
    await db().usageRollup.createMany({
      data: [
        row(new Date(Date.UTC(2026, 10, 1, 0)), 2n * USD),
        row(new Date(Date.UTC(2026, 10, 19, 5)), 3n * USD),
        row(new Date(Date.UTC(2026, 9, 31, 23)), 7n * USD),
      ],
    });
    const o = await getBillingOverview(db(), ctx, now);
    expect(o.monthSpendMicros).toBe(5n * USD);
    expect(o.stripe).toBe(false);
    expect(recentMonths(now)).toEqual(["2026-11", "2026-10", "2026-09"]);
    expect(recentMonths(new Date(Date.UTC(2027, 0, 5)))).toEqual(["2027-01", "2026-12", "2026-11"]);
  });

  it("the webhook answers 503 while Stripe is not configured", async () => {
    await expect(handleStripeWebhook(db(), "{}", "t=1,v1=x")).rejects.toMatchObject({
      code: "service_unavailable",
      status: 503,
    });
  });
});
