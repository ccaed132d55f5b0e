"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { useApiForm } from "./use-api-form";

interface Values {
  signupCreditUsd: string;
  defaultHoldOutputTokens: number;
  topUpPresetsUsd: string;
  topUpMinUsd: number;
  topUpMaxUsd: number;
}

export function BillingSettingsForm({ initial }: { initial: Values }) {
  const form = useApiForm();
  const [saved, setSaved] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const num = (k: string) => Number(String(d.get(k) ?? "").trim() || NaN);
    setSaved(false);
    await form.send(
      "PUT",
      "/api/admin/settings",
      {
        signupCreditUsd: String(d.get("signupCreditUsd") ?? "").trim(),
        defaultHoldOutputTokens: num("defaultHoldOutputTokens"),
        topUpPresetsUsd: String(d.get("topUpPresetsUsd") ?? "")
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean)
          .map(Number),
        topUpMinUsd: num("topUpMinUsd"),
        topUpMaxUsd: num("topUpMaxUsd"),
      },
      () => setSaved(true),
    );
  }

  return (
    <Card>
      <CardHeader title="Credit and top-ups" />
      <CardBody>
        <form noValidate onSubmit={onSubmit} className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              id="bs-signup"
              label="Sign-up credit (USD)"
              hint="Granted to every new workspace; 0 for none."
            >
              <Input
                id="bs-signup"
                name="signupCreditUsd"
                inputMode="decimal"
                defaultValue={initial.signupCreditUsd}
                aria-invalid={form.invalid("signupCreditUsd")}
              />
            </Field>
            <Field
              id="bs-hold"
              label="Default hold output tokens"
              hint="Assumed for a credit hold when a request sets no max_tokens."
            >
              <Input
                id="bs-hold"
                name="defaultHoldOutputTokens"
                type="number"
                min={1}
                defaultValue={initial.defaultHoldOutputTokens}
                aria-invalid={form.invalid("defaultHoldOutputTokens")}
              />
            </Field>
            <Field id="bs-presets" label="Top-up presets (USD, comma-separated)" className="sm:col-span-2">
              <Input
                id="bs-presets"
                name="topUpPresetsUsd"
                defaultValue={initial.topUpPresetsUsd}
                aria-invalid={form.invalid("topUpPresetsUsd")}
              />
            </Field>
            <Field id="bs-min" label="Minimum top-up (USD)">
              <Input
                id="bs-min"
                name="topUpMinUsd"
                type="number"
                min={1}
                defaultValue={initial.topUpMinUsd}
                aria-invalid={form.invalid("topUpMinUsd")}
              />
            </Field>
            <Field id="bs-max" label="Maximum top-up (USD)">
              <Input
                id="bs-max"
                name="topUpMaxUsd"
                type="number"
                min={1}
                defaultValue={initial.topUpMaxUsd}
                aria-invalid={form.invalid("topUpMaxUsd")}
              />
            </Field>
          </div>
          <FormError message={form.error} />
          {saved ? (
            <p role="status" className="rounded-md bg-success-soft px-3 py-2 text-sm text-success">
              Saved.
            </p>
          ) : null}
          <Button type="submit" disabled={form.pending}>
            Save settings
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
