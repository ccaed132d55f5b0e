"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";
import { checkUsdInput } from "./amount";

export function BudgetForm({
  slug,
  initial,
  canEdit,
}: {
  slug: string;
  initial: { monthlyBudgetUsd: string; hardLimit: boolean; alertWebhookUrl: string };
  canEdit: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const budgetText = String(data.get("budget") ?? "").trim();
    const budget = budgetText === "" ? null : checkUsdInput(budgetText);
    if (budget && !budget.ok) return setError(`Monthly budget: ${budget.message}`);
    const url = String(data.get("webhook") ?? "").trim();
    if (url && !/^https?:\/\/[^\s/]+/i.test(url)) return setError("Alert webhook: enter an http(s) URL.");
    setPending(true);
    setError(undefined);
    setSaved(false);
    const res = await callApi("PUT", `/api/workspaces/${slug}/billing/budget`, {
      monthlyBudgetUsd: budget ? budget.usd : null,
      hardLimit: data.get("hardLimit") === "on",
      alertWebhookUrl: url || null,
    });
    setPending(false);
    if (!res.ok) return setError(res.message);
    setSaved(true);
    router.refresh();
  }

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <fieldset disabled={!canEdit} className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            id="budget-amount"
            label="Monthly budget (USD)"
            hint="Empty: no budget. Alerts at 80% and 100%."
          >
            <Input
              id="budget-amount"
              name="budget"
              inputMode="decimal"
              defaultValue={initial.monthlyBudgetUsd}
            />
          </Field>
          <Field id="budget-webhook" label="Alert webhook URL (optional)" hint="We POST a JSON alert here.">
            <Input
              id="budget-webhook"
              name="webhook"
              type="url"
              placeholder="https://example.com/hooks/budget"
              defaultValue={initial.alertWebhookUrl}
            />
          </Field>
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
          <div className="flex items-center gap-3">
            <Button type="submit" variant="secondary" disabled={pending}>
              Save budget
            </Button>
            {saved ? <span className="text-sm text-success">Saved.</span> : null}
          </div>
        ) : null}
      </fieldset>
      {!canEdit ? <p className="text-sm text-muted">Only owners and admins can change the budget.</p> : null}
      <FormError message={error} />
    </form>
  );
}
