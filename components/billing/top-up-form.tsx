"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";
import { cn } from "@/components/ui/cn";
import { checkUsdInput } from "./amount";

/** Preset amounts and a custom one; sends the owner to Stripe Checkout. */
export function TopUpForm({
  slug,
  presetsUsd,
  minUsd,
  maxUsd,
}: {
  slug: string;
  presetsUsd: number[];
  minUsd: number;
  maxUsd: number;
}) {
  const [amount, setAmount] = useState(String(presetsUsd[1] ?? presetsUsd[0] ?? minUsd));
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const checked = checkUsdInput(amount, { minUsd, maxUsd });
    if (!checked.ok) {
      setError(checked.message);
      return;
    }
    setPending(true);
    setError(undefined);
    const res = await callApi<{ url: string }>("POST", `/api/workspaces/${slug}/billing/checkout`, {
      amountUsd: checked.usd,
    });
    if (!res.ok) {
      setPending(false);
      setError(res.message);
      return;
    }
    window.location.assign(res.data.url);
  }

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-fg">Amount</legend>
        <div className="flex flex-wrap gap-2">
          {presetsUsd.map((p) => {
            const selected = checkUsdInput(amount).ok && Number(amount) === p;
            return (
              <button
                key={p}
                type="button"
                aria-pressed={selected}
                onClick={() => {
                  setAmount(String(p));
                  setError(undefined);
                }}
                className={cn(
                  "h-10 min-w-16 rounded-md border px-3 text-sm font-medium transition-colors",
                  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent",
                  selected
                    ? "border-accent bg-accent-soft text-accent"
                    : "border-line bg-surface text-fg hover:bg-subtle",
                )}
              >
                ${p}
              </button>
            );
          })}
        </div>
      </fieldset>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <Field
          id="topup-amount"
          label="Custom amount (USD)"
          hint={`Between $${minUsd} and $${maxUsd.toLocaleString("en-US")}.`}
          className="sm:w-56"
        >
          <Input
            id="topup-amount"
            name="amount"
            inputMode="decimal"
            value={amount}
            aria-invalid={error ? true : undefined}
            aria-describedby="topup-amount-hint"
            onChange={(e) => {
              setAmount(e.target.value);
              setError(undefined);
            }}
          />
        </Field>
        <Button type="submit" disabled={pending} className="sm:mb-5">
          {pending ? "Opening checkout…" : "Top up with Stripe"}
        </Button>
      </div>
      <FormError message={error} />
    </form>
  );
}
