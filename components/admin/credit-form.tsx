"use client";

import { useState, type FormEvent } from "react";
import { SubmitButton } from "@/components/ui/button";
import { InputField, SelectField } from "@/components/ui/field";
import { FormError, FormSuccess } from "@/components/ui/form-error";
import { useApiForm } from "./use-api-form";

/** One id per form load: a double submit of the same form posts one entry (the ledger's reference is unique). */
function newRequestId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

export function CreditForm({ tenantId }: { tenantId: string }) {
  const form = useApiForm();
  const [requestId, setRequestId] = useState(newRequestId);
  const [done, setDone] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const el = e.currentTarget;
    const d = new FormData(el);
    setDone(null);
    const body = {
      amountUsd: String(d.get("amountUsd") ?? "").trim(),
      kind: String(d.get("kind") ?? "adjustment"),
      note: String(d.get("note") ?? "").trim(),
      requestId,
    };
    await form.send<{ posted: boolean }>("POST", `/api/admin/workspaces/${tenantId}/credit`, body, (r) => {
      setDone(r.posted ? `Posted ${body.kind} of $${body.amountUsd}.` : "Already posted.");
      el.reset();
      setRequestId(newRequestId());
    });
  }

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-[10rem_12rem_minmax(0,1fr)]">
        <InputField
          id="credit-amount"
          label="Amount (USD)"
          hint="Negative to take credit away."
          name="amountUsd"
          inputMode="decimal"
          placeholder="25.00"
          required
          invalid={form.invalid("amountUsd")}
        />
        <SelectField id="credit-kind" label="Kind" name="kind" defaultValue="adjustment">
          <option value="adjustment">Adjustment</option>
          <option value="grant">Promotional grant</option>
        </SelectField>
        <InputField
          id="credit-note"
          label="Note (required)"
          name="note"
          maxLength={300}
          placeholder="Why: ticket, promotion…"
          required
          invalid={form.invalid("note")}
        />
      </div>
      <FormError message={form.error} />
      <FormSuccess message={done} />
      <SubmitButton pending={form.pending}>Post entry</SubmitButton>
    </form>
  );
}
