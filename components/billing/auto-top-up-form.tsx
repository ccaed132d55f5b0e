"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";
import { checkUsdInput } from "./amount";

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
  const router = useRouter();
  const [enabled, setEnabled] = useState(initial.enabled);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const threshold = checkUsdInput(String(data.get("threshold") ?? ""));
    const amount = checkUsdInput(String(data.get("amount") ?? ""), { minUsd, maxUsd });
    if (enabled && !threshold.ok) return setError(`Threshold: ${threshold.message}`);
    if (enabled && !amount.ok) return setError(`Amount: ${amount.message}`);
    setPending(true);
    setError(undefined);
    setSaved(false);
    const res = await callApi("PUT", `/api/workspaces/${slug}/billing/auto-top-up`, {
      enabled,
      thresholdUsd: threshold.ok ? threshold.usd : "0",
      amountUsd: amount.ok ? amount.usd : "0",
    });
    setPending(false);
    if (!res.ok) return setError(res.message);
    setSaved(true);
    router.refresh();
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
            setSaved(false);
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
        <Field id="auto-threshold" label="When the balance falls below (USD)">
          <Input
            id="auto-threshold"
            name="threshold"
            inputMode="decimal"
            defaultValue={initial.thresholdUsd}
          />
        </Field>
        <Field
          id="auto-amount"
          label="Add this much (USD)"
          hint={`Between $${minUsd} and $${maxUsd.toLocaleString("en-US")}.`}
        >
          <Input id="auto-amount" name="amount" inputMode="decimal" defaultValue={initial.amountUsd} />
        </Field>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending}>
          Save auto top-up
        </Button>
        {saved ? <span className="text-sm text-success">Saved.</span> : null}
      </div>
      <FormError message={error} />
    </form>
  );
}
