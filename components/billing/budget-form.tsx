"use client";

import type { FormEvent } from "react";
import { InputField } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { checkUsdInput } from "./amount";
import { SaveRow, useSaveSettings } from "./save-settings";

export function BudgetForm({
  slug,
  initial,
  canEdit,
}: {
  slug: string;
  initial: { monthlyBudgetUsd: string; hardLimit: boolean; alertWebhookUrl: string };
  canEdit: boolean;
}) {
  const form = useSaveSettings(`/api/workspaces/${slug}/billing/budget`);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const budgetText = String(data.get("budget") ?? "").trim();
    const budget = budgetText === "" ? null : checkUsdInput(budgetText);
    if (budget && !budget.ok) return form.fail(`Monthly budget: ${budget.message}`);
    const url = String(data.get("webhook") ?? "").trim();
    if (url && !/^https?:\/\/[^\s/]+/i.test(url)) return form.fail("Alert webhook: enter an http(s) URL.");
    await form.save({
      monthlyBudgetUsd: budget ? budget.usd : null,
      hardLimit: data.get("hardLimit") === "on",
      alertWebhookUrl: url || null,
    });
  }

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <fieldset disabled={!canEdit} className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <InputField
            id="budget-amount"
            label="Monthly budget (USD)"
            hint="Empty: no budget. Alerts at 80% and 100%."
            name="budget"
            inputMode="decimal"
            defaultValue={initial.monthlyBudgetUsd}
          />
          <InputField
            id="budget-webhook"
            label="Alert webhook URL (optional)"
            hint="We POST a JSON alert here."
            name="webhook"
            type="url"
            placeholder="https://example.com/hooks/budget"
            defaultValue={initial.alertWebhookUrl}
          />
        </div>
        <label className="flex items-center gap-2 text-sm text-fg">
          <input
            type="checkbox"
            name="hardLimit"
            className="size-4 accent-accent"
            defaultChecked={initial.hardLimit}
          />
          Hard limit: refuse requests once the monthly budget is spent
        </label>
        {canEdit ? (
          <SaveRow pending={form.pending} saved={form.saved}>
            Save budget
          </SaveRow>
        ) : null}
      </fieldset>
      {!canEdit ? <p className="text-sm text-muted">Only owners and admins can change the budget.</p> : null}
      <FormError message={form.error} />
    </form>
  );
}
