"use client";

import { useState, type FormEvent } from "react";
import { SubmitButton } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { InputField } from "@/components/ui/field";
import { FormError, FormSuccess } from "@/components/ui/form-error";
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
            <InputField
              id="bs-signup"
              label="Sign-up credit (USD)"
              hint="Granted to every new workspace; 0 for none."
              name="signupCreditUsd"
              inputMode="decimal"
              defaultValue={initial.signupCreditUsd}
              invalid={form.invalid("signupCreditUsd")}
            />
            <InputField
              id="bs-hold"
              label="Default hold output tokens"
              hint="Assumed for a credit hold when a request sets no max_tokens."
              name="defaultHoldOutputTokens"
              type="number"
              min={1}
              defaultValue={initial.defaultHoldOutputTokens}
              invalid={form.invalid("defaultHoldOutputTokens")}
            />
            <InputField
              id="bs-presets"
              label="Top-up presets (USD, comma-separated)"
              className="sm:col-span-2"
              name="topUpPresetsUsd"
              defaultValue={initial.topUpPresetsUsd}
              invalid={form.invalid("topUpPresetsUsd")}
            />
            <InputField
              id="bs-min"
              label="Minimum top-up (USD)"
              name="topUpMinUsd"
              type="number"
              min={1}
              defaultValue={initial.topUpMinUsd}
              invalid={form.invalid("topUpMinUsd")}
            />
            <InputField
              id="bs-max"
              label="Maximum top-up (USD)"
              name="topUpMaxUsd"
              type="number"
              min={1}
              defaultValue={initial.topUpMaxUsd}
              invalid={form.invalid("topUpMaxUsd")}
            />
          </div>
          <FormError message={form.error} />
          <FormSuccess message={saved ? "Saved." : null} />
          <SubmitButton pending={form.pending}>Save settings</SubmitButton>
        </form>
      </CardBody>
    </Card>
  );
}
