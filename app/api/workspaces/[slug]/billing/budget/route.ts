// PUT {monthlyBudgetUsd|null, hardLimit, alertWebhookUrl|null}: the monthly budget and alerts (admins and owners).
import { z } from "zod";
import { setBudget } from "@/lib/billing/budget";
import { UsdAmount } from "@/lib/billing/usd-input";
import { withWorkspace } from "@/lib/http/with-session";

const BudgetInput = z.object({
  monthlyBudgetUsd: UsdAmount.nullable(),
  hardLimit: z.boolean().default(false),
  alertWebhookUrl: z.string().max(2000).nullable().default(null),
});

export const PUT = withWorkspace(
  async ({ ctx, body }) => {
    const input = BudgetInput.parse(body);
    return setBudget(ctx.db, ctx, {
      monthlyBudgetMicros: input.monthlyBudgetUsd,
      hardLimit: input.hardLimit,
      alertWebhookUrl: input.alertWebhookUrl,
    });
  },
  { role: "admin", action: "change the budget" },
);
