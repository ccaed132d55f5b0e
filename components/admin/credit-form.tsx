"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
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
        <Field id="credit-amount" label="Amount (USD)" hint="Negative to take credit away.">
          <Input
            id="credit-amount"
            name="amountUsd"
            inputMode="decimal"
            placeholder="25.00"
            required
            aria-invalid={form.invalid("amountUsd")}
          />
        </Field>
        <Field id="credit-kind" label="Kind">
          <Select id="credit-kind" name="kind" defaultValue="adjustment">
            <option value="adjustment">Adjustment</option>
            <option value="grant">Promotional grant</option>
          </Select>
        </Field>
        <Field id="credit-note" label="Note (required)">
          <Input
            id="credit-note"
            name="note"
            maxLength={300}
            placeholder="Why: ticket, promotion…"
            required
            aria-invalid={form.invalid("note")}
          />
        </Field>
      </div>
      <FormError message={form.error} />
      {done ? (
        <p role="status" className="rounded-md bg-success-soft px-3 py-2 text-sm text-success">
          {done}
        </p>
      ) : null}
      <Button type="submit" disabled={form.pending}>
        Post entry
      </Button>
    </form>
  );
}
