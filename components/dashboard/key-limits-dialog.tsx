"use client";

// The editor for one key's limits: rate limits, spend limit and its period, allowed models, expiry. Validation is
// the server's (lib/tenancy/limits.ts); this form only turns what was typed into the request body and shows the
// server's message beside the form, naming the field.
import { useState, type FormEvent } from "react";
import { Button, SubmitButton } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, InputField, SelectField } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";
import { endOfDay, localDay } from "./end-of-day";
import type { KeyRow } from "./keys-panel";

/** The request fields, with the label the error message is shown under. */
const LABELS: Record<string, string> = {
  rpm: "Requests per minute",
  tpm: "Tokens per minute",
  spendLimit: "Spend limit",
  spendLimitPeriod: "Spend limit counts",
  allowedModels: "Allowed models",
  expiresAt: "Expires",
};

/** Blank -> null (no limit); digits -> a number; anything else is sent as typed for the server to refuse. */
function wholeNumber(text: string): number | string | null {
  const t = text.trim();
  if (t === "") return null;
  return /^\d+$/.test(t) ? Number(t) : t;
}

export function KeyLimitsDialog({
  slug,
  keyRow: k,
  models,
  onClose,
  onSaved,
}: {
  slug: string;
  keyRow: KeyRow;
  models: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const initialExpiry = localDay(k.expiresAt);
  const [expiry, setExpiry] = useState(initialExpiry);
  const [allowed, setAllowed] = useState<string[]>(k.allowedModels);
  const [error, setError] = useState<{ message: string; param: string | null }>();
  const [pending, setPending] = useState(false);
  // Names the key allows that the catalog no longer has stay visible, so they can be unticked.
  const choices = [...models, ...k.allowedModels.filter((m) => !models.includes(m))];

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (name: string) => String(data.get(name) ?? "");
    const body: Record<string, unknown> = {
      rpm: wholeNumber(text("rpm")),
      tpm: wholeNumber(text("tpm")),
      spendLimit: text("spendLimit").trim() === "" ? null : text("spendLimit"),
      spendLimitPeriod: text("spendLimitPeriod"),
      allowedModels: allowed,
    };
    // Only a changed expiry is sent: saving other limits of an expired key must not fail the future check.
    if (expiry !== initialExpiry) body.expiresAt = endOfDay(expiry);
    setPending(true);
    setError(undefined);
    const res = await callApi("PATCH", `/api/workspaces/${slug}/keys/${k.id}/limits`, body);
    setPending(false);
    if (!res.ok) {
      setError({ message: res.message, param: res.param });
      return;
    }
    onSaved();
  }

  const invalid = (param: string) => (error?.param === param ? true : undefined);
  const message = error && (error.param && LABELS[error.param] ? `${LABELS[error.param]}: ${error.message}` : error.message);

  return (
    <Dialog title={`Limits of “${k.name}”`} description="Changes apply to new requests within seconds." onClose={onClose}>
      <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label={`Limits of ${k.name}`}>
        <div className="grid gap-4 sm:grid-cols-2">
          <InputField
            id="key-rpm"
            label={LABELS.rpm}
            hint="Blank: no limit."
            name="rpm"
            inputMode="numeric"
            defaultValue={k.rpmLimit ?? ""}
            invalid={invalid("rpm")}
          />
          <InputField
            id="key-tpm"
            label={LABELS.tpm}
            hint="Blank: no limit."
            name="tpm"
            inputMode="numeric"
            defaultValue={k.tpmLimit ?? ""}
            invalid={invalid("tpm")}
          />
          <InputField
            id="key-spend"
            label={`${LABELS.spendLimit} (USD)`}
            hint="Like 12.50. Blank or “none”: no limit."
            name="spendLimit"
            inputMode="decimal"
            placeholder="none"
            defaultValue={k.spendLimit ?? ""}
            invalid={invalid("spendLimit")}
          />
          <SelectField
            id="key-spend-period"
            label={LABELS.spendLimitPeriod}
            name="spendLimitPeriod"
            defaultValue={k.spendLimitPeriod}
            invalid={invalid("spendLimitPeriod")}
          >
            <option value="monthly">Per calendar month (UTC)</option>
            <option value="total">Over the key’s whole life</option>
          </SelectField>
        </div>

        <fieldset className="space-y-1.5" aria-describedby="key-models-hint" aria-invalid={invalid("allowedModels")}>
          <legend className="text-sm font-medium text-fg">{LABELS.allowedModels}</legend>
          <p id="key-models-hint" className="text-xs text-muted">
            {allowed.length === 0 ? "None ticked: this key may call every model." : `${allowed.length} ticked.`}
          </p>
          {choices.length === 0 ? (
            <p className="text-sm text-muted">No models are configured yet.</p>
          ) : (
            <ul className="max-h-44 space-y-1 overflow-y-auto rounded-md border border-line bg-surface p-2">
              {choices.map((m) => (
                <li key={m}>
                  <label className="flex cursor-pointer items-center gap-2 rounded px-1 py-0.5 text-sm hover:bg-subtle">
                    <input
                      type="checkbox"
                      className="size-4 accent-[var(--color-accent)]"
                      checked={allowed.includes(m)}
                      onChange={(e) =>
                        setAllowed((prev) => (e.target.checked ? [...prev, m] : prev.filter((x) => x !== m)))
                      }
                    />
                    <span className="min-w-0 break-all font-mono text-xs">{m}</span>
                    {models.includes(m) ? null : <span className="text-xs text-warn">(not in the catalog)</span>}
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>

        <Field id="key-expiry" label={LABELS.expiresAt} hint="End of the chosen day, your time. Blank: never expires.">
          <div className="flex gap-2">
            <Input
              id="key-expiry"
              name="expiresAt"
              type="date"
              value={expiry}
              onChange={(e) => setExpiry(e.target.value)}
              aria-invalid={invalid("expiresAt")}
              aria-describedby="key-expiry-hint"
            />
            <Button variant="secondary" onClick={() => setExpiry("")} disabled={expiry === ""}>
              No expiry
            </Button>
          </div>
        </Field>

        <FormError message={message} />
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <SubmitButton pending={pending} pendingLabel="Saving…">
            Save limits
          </SubmitButton>
        </div>
      </form>
    </Dialog>
  );
}
