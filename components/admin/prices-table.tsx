"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Input, InputField } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { callApi } from "@/components/ui/api";

export interface VersionView {
  id: string;
  effectiveFrom: string;
  effectiveLabel: string;
  input: string;
  cachedInput: string;
  cacheWrite: string;
  output: string;
  source: string;
}

export interface PriceBookItem {
  deploymentId: string;
  model: string;
  provider: string;
  upstreamModel: string;
  enabled: boolean;
  current: VersionView | null;
  next: VersionView | null;
  history: VersionView[];
}

const FIELDS = [
  { name: "input", label: "Input", hint: "Required" },
  { name: "cachedInput", label: "Cached input", hint: "Blank: the input price" },
  { name: "cacheWrite", label: "Cache write", hint: "Blank: the input price" },
  { name: "output", label: "Output", hint: "Required" },
] as const;

function PriceLine({ v }: { v: VersionView }) {
  return (
    <span className="font-mono text-xs tabular-nums">
      in ${v.input} · cached ${v.cachedInput} · write ${v.cacheWrite} · out ${v.output}
    </span>
  );
}

function EditForm({ item, onDone }: { item: PriceBookItem; onDone: () => void }) {
  const router = useRouter();
  const base = useId();
  const [error, setError] = useState<{ message: string; param: string | null }>();
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const when = String(data.get("effectiveFrom") ?? "");
    const at = when ? new Date(when) : null; // datetime-local is the browser's local time
    setPending(true);
    setError(undefined);
    const res = await callApi("POST", "/api/admin/prices", {
      deploymentId: item.deploymentId,
      ...Object.fromEntries(FIELDS.map((f) => [f.name, String(data.get(f.name) ?? "")])),
      effectiveFrom: at && !Number.isNaN(at.getTime()) ? at.toISOString() : when || null,
    });
    setPending(false);
    if (!res.ok) {
      setError({ message: res.message, param: res.param });
      return;
    }
    onDone();
    router.refresh();
  }

  const invalid = (name: string) => (error?.param === name ? true : undefined);
  return (
    <form
      noValidate
      onSubmit={onSubmit}
      className="space-y-3 rounded-md border border-line bg-subtle p-3"
      data-testid="price-form"
    >
      <p className="text-xs text-muted">New version, USD per million tokens.</p>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        {FIELDS.map((f) => (
          <InputField
            key={f.name}
            id={`${base}-${f.name}`}
            label={f.label}
            hint={f.hint}
            name={f.name}
            inputMode="decimal"
            autoComplete="off"
            defaultValue={item.current?.[f.name] ?? ""}
            invalid={invalid(f.name)}
          />
        ))}
        <InputField
          id={`${base}-effectiveFrom`}
          label="Effective from"
          hint="Blank: now"
          className="col-span-2 lg:col-span-1"
          name="effectiveFrom"
          type="datetime-local"
          invalid={invalid("effectiveFrom")}
        />
      </div>
      <FormActions
        error={error?.message}
        onCancel={onDone}
        pending={pending}
        pendingLabel="Saving…"
        size="sm"
      >
        Save version
      </FormActions>
    </form>
  );
}

function Row({ item }: { item: PriceBookItem }) {
  const [editing, setEditing] = useState(false);
  return (
    <li
      data-testid="price-row"
      data-deployment={item.deploymentId}
      className="space-y-2 px-4 py-3 text-sm sm:px-5"
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="font-medium">
            {item.model} {!item.enabled ? <Badge tone="warn">Disabled</Badge> : null}
          </p>
          <p className="truncate text-xs text-muted">
            {item.provider} / {item.upstreamModel} · <code>{item.deploymentId}</code>
          </p>
        </div>
        {!editing ? (
          <Button
            variant="secondary"
            size="sm"
            onClick={() => setEditing(true)}
            aria-label={`Edit price of ${item.model} on ${item.provider}`}
          >
            Edit
          </Button>
        ) : null}
      </div>
      <div className="space-y-1" data-testid="price-current">
        <p>
          <span className="mr-2 text-xs text-muted">Now</span>
          {item.current ? (
            <PriceLine v={item.current} />
          ) : (
            <span className="text-xs text-muted">No price: free</span>
          )}
        </p>
        {item.next ? (
          <p data-testid="price-next">
            <Badge tone="accent">Scheduled {item.next.effectiveLabel}</Badge> <PriceLine v={item.next} />
          </p>
        ) : null}
      </div>
      {editing ? <EditForm item={item} onDone={() => setEditing(false)} /> : null}
      {item.history.length > 0 ? (
        <details className="text-xs">
          <summary className="cursor-pointer text-muted hover:text-fg">
            History ({item.history.length})
          </summary>
          <ol className="mt-2 space-y-1 border-l border-line pl-3">
            {item.history.map((v) => (
              <li key={v.id} className="flex flex-wrap gap-x-3">
                <span className="text-muted">{v.effectiveLabel}</span>
                <PriceLine v={v} />
                <span className="text-muted">{v.source}</span>
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </li>
  );
}

export function PricesTable({ items }: { items: PriceBookItem[] }) {
  const [filter, setFilter] = useState("");
  const q = filter.trim().toLowerCase();
  const shown = q
    ? items.filter((i) => `${i.model} ${i.provider} ${i.upstreamModel}`.toLowerCase().includes(q))
    : items;
  return (
    <Card>
      <CardHeader
        title="Price book"
        description={`${items.length} ${items.length === 1 ? "deployment" : "deployments"}`}
        actions={
          <div className="w-full sm:w-64">
            <label htmlFor="price-filter" className="sr-only">
              Filter by model or provider
            </label>
            <Input
              id="price-filter"
              placeholder="Filter by model or provider"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
          </div>
        }
      />
      {shown.length === 0 ? (
        <CardBody>
          <p className="text-sm text-muted">
            {items.length === 0
              ? "No deployments yet: add providers and models in the config."
              : "No deployment matches the filter."}
          </p>
        </CardBody>
      ) : (
        <ul className="divide-y divide-line">
          {shown.map((i) => (
            <Row key={i.deploymentId} item={i} />
          ))}
        </ul>
      )}
    </Card>
  );
}
