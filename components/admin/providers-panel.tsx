"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormDialog } from "@/components/ui/dialog";
import { InputField, SelectField } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { useApiForm } from "./use-api-form";

export interface ProviderRow {
  id: string;
  name: string;
  protocol: string;
  vendor: string | null;
  baseUrl: string;
  region: string | null;
  enabled: boolean;
  noDataRetention: boolean;
  isDemo: boolean;
  keySet: boolean;
  deployments: number;
}

interface TestResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  models: number | null;
  error: string | null;
}

const PROTOCOLS = ["openai", "anthropic", "gemini"] as const;

/** The provider form's fields as the API takes them. */
function readProviderForm(form: HTMLFormElement) {
  const d = new FormData(form);
  const text = (k: string) => String(d.get(k) ?? "").trim();
  return {
    name: text("name"),
    protocol: text("protocol"),
    vendor: text("vendor") || null,
    baseUrl: text("baseUrl"),
    region: text("region") || null,
    noDataRetention: d.get("noDataRetention") === "on",
    enabled: d.get("enabled") === "on",
    ...(d.has("apiKey") ? { apiKey: text("apiKey") || null } : {}),
  };
}

export function ProvidersPanel({ providers, vendors }: { providers: ProviderRow[]; vendors: string[] }) {
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<ProviderRow | null>(null);
  const [rotating, setRotating] = useState<ProviderRow | null>(null);
  const [tests, setTests] = useState<Record<string, TestResult | "pending">>({});
  const toggle = useApiForm();

  async function runTest(p: ProviderRow) {
    setTests((t) => ({ ...t, [p.id]: "pending" }));
    const res = await fetch(`/api/admin/providers/${p.id}/test`, { method: "POST" });
    const body = (await res.json().catch(() => null)) as (TestResult & { error?: unknown }) | null;
    const result: TestResult =
      res.ok && body
        ? body
        : {
            ok: false,
            status: null,
            latencyMs: 0,
            models: null,
            error: `The test could not run (${res.status}).`,
          };
    setTests((t) => ({ ...t, [p.id]: result }));
  }

  return (
    <div className="space-y-6">
      <div className="flex justify-end">
        <Button onClick={() => setAdding(true)}>Add provider</Button>
      </div>
      <FormError message={toggle.error} />
      <Card>
        <CardHeader
          title="Providers"
          description={`${providers.length} ${providers.length === 1 ? "provider" : "providers"}`}
        />
        {providers.length === 0 ? (
          <CardBody>
            <p className="text-sm text-muted">No providers yet. Add one to serve models from it.</p>
          </CardBody>
        ) : (
          <ul className="divide-y divide-line">
            {providers.map((p) => {
              const test = tests[p.id];
              return (
                <li key={p.id} data-testid="provider-row" className="space-y-2 px-4 py-3 text-sm sm:px-5">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium">{p.name}</span>
                    <Badge tone={p.enabled ? "success" : "neutral"}>
                      {p.enabled ? "Enabled" : "Disabled"}
                    </Badge>
                    {p.isDemo ? <Badge tone="warn">Demo</Badge> : null}
                    {p.noDataRetention ? <Badge tone="accent">No data retention</Badge> : null}
                    <Badge tone={p.keySet ? "neutral" : "warn"}>{p.keySet ? "Key set" : "No key"}</Badge>
                  </div>
                  <dl className="grid gap-x-6 gap-y-1 text-muted sm:grid-cols-2 lg:grid-cols-[9rem_9rem_8rem_minmax(0,1fr)]">
                    <Item label="Protocol">
                      {p.protocol}
                      {p.vendor ? ` · ${p.vendor}` : ""}
                    </Item>
                    <Item label="Region">{p.region ?? "—"}</Item>
                    <Item label="Deployments">{p.deployments}</Item>
                    <Item label="Base URL">
                      <code className="font-mono text-xs break-all">{p.baseUrl}</code>
                    </Item>
                  </dl>
                  <div className="flex flex-wrap gap-2 pt-1">
                    <Button size="sm" variant="secondary" onClick={() => setEditing(p)}>
                      Edit
                    </Button>
                    <Button size="sm" variant="secondary" onClick={() => setRotating(p)}>
                      Rotate key
                    </Button>
                    <Button
                      size="sm"
                      variant={p.enabled ? "danger-outline" : "secondary"}
                      disabled={toggle.pending}
                      onClick={() =>
                        toggle.send("PUT", `/api/admin/providers/${p.id}/enabled`, { enabled: !p.enabled })
                      }
                    >
                      {p.enabled ? "Disable" : "Enable"}
                    </Button>
                    <Button
                      size="sm"
                      variant="secondary"
                      disabled={test === "pending"}
                      onClick={() => runTest(p)}
                      aria-label={`Test connection to ${p.name}`}
                    >
                      {test === "pending" ? "Testing…" : "Test connection"}
                    </Button>
                  </div>
                  {test && test !== "pending" ? (
                    <p
                      data-testid="connection-result"
                      aria-live="polite"
                      className={
                        test.ok
                          ? "rounded-md bg-success-soft px-3 py-2 text-success"
                          : "rounded-md bg-danger-soft px-3 py-2 text-danger"
                      }
                    >
                      {test.ok
                        ? `Connected: HTTP ${test.status} in ${test.latencyMs} ms${test.models !== null ? `, ${test.models} models listed` : ""}.`
                        : `Failed after ${test.latencyMs} ms: ${test.error ?? "unknown error"}`}
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </Card>

      {adding ? (
        <ProviderDialog title="Add a provider" vendors={vendors} onClose={() => setAdding(false)} />
      ) : null}
      {editing ? (
        <ProviderDialog
          title={`Edit ${editing.name}`}
          vendors={vendors}
          provider={editing}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {rotating ? <RotateKeyDialog provider={rotating} onClose={() => setRotating(null)} /> : null}
    </div>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="inline text-xs">{label}: </dt>
      <dd className="inline text-fg">{children}</dd>
    </div>
  );
}

function ProviderDialog({
  title,
  vendors,
  provider,
  onClose,
}: {
  title: string;
  vendors: string[];
  provider?: ProviderRow;
  onClose: () => void;
}) {
  const form = useApiForm();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const body = readProviderForm(e.currentTarget);
    const ok = provider
      ? await form.send("PATCH", `/api/admin/providers/${provider.id}`, body)
      : await form.send("POST", "/api/admin/providers", body);
    if (ok) onClose();
  }
  return (
    <FormDialog
      title={title}
      onClose={onClose}
      onSubmit={onSubmit}
      error={form.error}
      pending={form.pending}
      submitLabel={provider ? "Save" : "Add provider"}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <InputField
          id="prv-name"
          label="Name"
          hint="Letters, digits and . _ : / -"
          name="name"
          defaultValue={provider?.name}
          required
          invalid={form.invalid("name")}
        />
        <SelectField
          id="prv-protocol"
          label="Protocol"
          name="protocol"
          defaultValue={provider?.protocol ?? "openai"}
        >
          {PROTOCOLS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </SelectField>
        <SelectField
          id="prv-vendor"
          label="Vendor (OpenAI protocol)"
          name="vendor"
          defaultValue={provider?.vendor ?? ""}
        >
          <option value="">none</option>
          {vendors.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </SelectField>
        <InputField
          id="prv-region"
          label="Region (optional)"
          name="region"
          defaultValue={provider?.region ?? ""}
          placeholder="eu-west"
        />
      </div>
      <InputField
        id="prv-base"
        label="Base URL"
        hint="OpenAI protocol: including /v1. Anthropic and Gemini: the host."
        name="baseUrl"
        type="url"
        defaultValue={provider?.baseUrl}
        placeholder="https://api.openai.com/v1"
        required
        invalid={form.invalid("baseUrl")}
      />
      {provider ? null : (
        <InputField
          id="prv-key"
          label="API key (optional)"
          hint="Stored encrypted. It cannot be shown again."
          name="apiKey"
          type="password"
          autoComplete="off"
        />
      )}
      <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="enabled" defaultChecked={provider?.enabled ?? true} /> Enabled
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="noDataRetention" defaultChecked={provider?.noDataRetention ?? false} />{" "}
          No data retention
        </label>
      </div>
    </FormDialog>
  );
}

function RotateKeyDialog({ provider, onClose }: { provider: ProviderRow; onClose: () => void }) {
  const form = useApiForm();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const apiKey = String(new FormData(e.currentTarget).get("apiKey") ?? "");
    if (await form.send("PUT", `/api/admin/providers/${provider.id}/key`, { apiKey })) onClose();
  }
  return (
    <FormDialog
      title={`Rotate the key of ${provider.name}`}
      description="The new key replaces the stored one at once; the relay uses it for the next request. Leave it empty to remove the key."
      onClose={onClose}
      onSubmit={onSubmit}
      error={form.error}
      pending={form.pending}
      submitLabel="Save key"
    >
      <InputField
        id="rot-key"
        label="New API key"
        name="apiKey"
        type="password"
        autoComplete="off"
        invalid={form.invalid("apiKey")}
      />
    </FormDialog>
  );
}
