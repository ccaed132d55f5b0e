"use client";

import { useState, type FormEvent } from "react";
import { InputField } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { checkUsdInput } from "./amount";
import { SaveRow, useSaveSettings } from "./save-settings";

export function AutoTopUpForm({
  slug,
  initial,
  minUsd,
  maxUsd,
  hasCard,
}: {
  slug: string;
  initial: { enabled: boolean; thresholdUsd: string; amountUsd: string };
  minUsd: number;
  maxUsd: number;
  hasCard: boolean;
}) {
  const [enabled, setEnabled] = useState(initial.enabled);
  const form = useSaveSettings(`/api/workspaces/${slug}/billing/auto-top-up`);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const threshold = checkUsdInput(String(data.get("threshold") ?? ""));
    const amount = checkUsdInput(String(data.get("amount") ?? ""), { minUsd, maxUsd });
    if (enabled && !threshold.ok) return form.fail(`Threshold: ${threshold.message}`);
    if (enabled && !amount.ok) return form.fail(`Amount: ${amount.message}`);
    await form.save({
      enabled,
      thresholdUsd: threshold.ok ? threshold.usd : "0",
      amountUsd: amount.ok ? amount.usd : "0",
    });
  }

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <label className="flex items-center gap-2 text-sm font-medium text-fg">
        <input
          type="checkbox"
          className="size-4 accent-accent"
          checked={enabled}
          onChange={(e) => {
            setEnabled(e.target.checked);
            form.setSaved(false);
          }}
        />
        Top up automatically when the balance runs low
      </label>
      {!hasCard ? (
        <p className="text-sm text-muted">
          Top up once through Checkout first: auto top-up charges the card saved then.
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <InputField
          id="auto-threshold"
          label="When the balance falls below (USD)"
          name="threshold"
          inputMode="decimal"
          defaultValue={initial.thresholdUsd}
        />
        <InputField
          id="auto-amount"
          label="Add this much (USD)"
          hint={`Between $${minUsd} and $${maxUsd.toLocaleString("en-US")}.`}
          name="amount"
          inputMode="decimal"
          defaultValue={initial.amountUsd}
        />
      </div>
      <SaveRow pending={form.pending} saved={form.saved}>
        Save auto top-up
      </SaveRow>
      <FormError message={form.error} />
    </form>
  );
}
