"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { InputField, SelectField } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";
import { formatBps } from "@/lib/billing/price-format";

interface WorkspaceMarkup {
  slug: string;
  name: string;
  bps: number;
}
interface ModelOverride {
  id: string;
  model: string;
  workspace: string | null;
  bps: number;
}

type Change =
  | { scope: "platform"; bps: number }
  | { scope: "workspace"; workspace: string; bps: number | null }
  | { scope: "model"; model: string; workspace?: string; bps: number | null };

/** The bps field as a number, or the text as typed (the server says what is wrong with it). */
function bpsValue(text: string): number | string {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : text;
}

/** Posts one change and refreshes the page; returns the error message, if any. */
function useMarkupChange() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  async function send(change: Change | Record<string, unknown>): Promise<string | undefined> {
    setPending(true);
    const res = await callApi("POST", "/api/admin/markups", change);
    setPending(false);
    if (!res.ok) return res.message;
    router.refresh();
    return undefined;
  }
  return { pending, send };
}

/**
 * A form that sets one markup from its fields (`toChange`), then empties itself on success; `round` is the key for
 * its bps field, so the field's hint resets with the form.
 */
function useSetMarkupForm(toChange: (data: FormData) => Change | Record<string, unknown>) {
  const { pending, send } = useMarkupChange();
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const err = await send(toChange(new FormData(form)));
    setError(err);
    if (!err) {
      form.reset();
      setRound((r) => r + 1);
    }
  }
  return { pending, error, round, onSubmit };
}

function BpsInput({ id, defaultValue, invalid }: { id: string; defaultValue?: number; invalid: boolean }) {
  const [text, setText] = useState(defaultValue === undefined ? "" : String(defaultValue));
  const n = /^\d+$/.test(text) ? Number(text) : null;
  return (
    <InputField
      id={id}
      label="Markup (basis points)"
      hint={n === null ? "1000 = 10%" : `= ${formatBps(n)}`}
      name="bps"
      inputMode="numeric"
      autoComplete="off"
      value={text}
      onChange={(e) => setText(e.target.value)}
      invalid={invalid}
      required
    />
  );
}

function PlatformCard({ bps }: { bps: number }) {
  const { pending, send } = useMarkupChange();
  const [error, setError] = useState<string>();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setError(await send({ scope: "platform", bps: bpsValue(String(data.get("bps") ?? "")) }));
  }
  return (
    <Card>
      <CardHeader
        title="Platform default"
        description={`Applies where nothing more specific is set. Now ${bps} bps (${formatBps(bps)}).`}
      />
      <CardBody>
        <form noValidate onSubmit={onSubmit} className="space-y-3" data-testid="platform-markup-form">
          <div className="grid gap-3 sm:grid-cols-[16rem_auto] sm:items-start">
            <BpsInput id="platform-bps" defaultValue={bps} invalid={Boolean(error)} />
            <Button type="submit" disabled={pending} className="sm:mt-6 sm:justify-self-start">
              Save default
            </Button>
          </div>
          <FormError message={error} />
        </form>
      </CardBody>
    </Card>
  );
}

function RemoveButton({ label, change }: { label: string; change: Change }) {
  const { pending, send } = useMarkupChange();
  const [error, setError] = useState<string>();
  return (
    <span className="flex flex-col items-end gap-1">
      <Button
        variant="danger-outline"
        size="sm"
        disabled={pending}
        aria-label={label}
        onClick={async () => setError(await send(change))}
      >
        Remove
      </Button>
      {error ? (
        <span role="alert" className="text-xs text-danger">
          {error}
        </span>
      ) : null}
    </span>
  );
}

/** One markup in a list: what it applies to (children), its rate, and Remove. */
function MarkupRow({
  bps,
  removeLabel,
  change,
  children,
}: {
  bps: number;
  removeLabel: string;
  change: Change;
  children: ReactNode;
}) {
  return (
    <li className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
      <span className="min-w-0">{children}</span>
      <span className="flex items-center gap-3">
        <span className="whitespace-nowrap">
          <Badge tone="accent">{`${bps} bps · ${formatBps(bps)}`}</Badge>
        </span>
        <RemoveButton label={removeLabel} change={change} />
      </span>
    </li>
  );
}

function WorkspacesCard({ workspaces }: { workspaces: WorkspaceMarkup[] }) {
  const { pending, error, round, onSubmit } = useSetMarkupForm((data) => ({
    scope: "workspace",
    workspace: String(data.get("workspace") ?? ""),
    bps: bpsValue(String(data.get("bps") ?? "")),
  }));
  return (
    <Card>
      <CardHeader
        title="Workspace markups"
        description="A workspace's own markup replaces the platform default (and platform per-model markups) for it."
      />
      <CardBody className="space-y-4">
        <form noValidate onSubmit={onSubmit} className="space-y-3" data-testid="workspace-markup-form">
          <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_16rem_auto] sm:items-start">
            <InputField
              id="workspace-slug"
              label="Workspace slug"
              name="workspace"
              autoComplete="off"
              placeholder="acme-x1y2z3"
              required
            />
            <BpsInput key={round} id="workspace-bps" invalid={Boolean(error)} />
            <Button type="submit" disabled={pending} className="sm:mt-6">
              Set
            </Button>
          </div>
          <FormError message={error} />
        </form>
        {workspaces.length === 0 ? (
          <p className="text-sm text-muted">No workspace has its own markup.</p>
        ) : (
          <ul className="divide-y divide-line rounded-md border border-line" data-testid="workspace-markups">
            {workspaces.map((w) => (
              <MarkupRow
                key={w.slug}
                bps={w.bps}
                removeLabel={`Remove the markup of ${w.slug}`}
                change={{ scope: "workspace", workspace: w.slug, bps: null }}
              >
                <span className="font-medium">{w.name}</span>{" "}
                <code className="text-xs text-muted">{w.slug}</code>
              </MarkupRow>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}

function ModelsCard({ overrides, models }: { overrides: ModelOverride[]; models: string[] }) {
  const { pending, error, round, onSubmit } = useSetMarkupForm((data) => {
    const workspace = String(data.get("workspace") ?? "").trim();
    return {
      scope: "model",
      model: String(data.get("model") ?? ""),
      ...(workspace ? { workspace } : {}),
      bps: bpsValue(String(data.get("bps") ?? "")),
    };
  });
  return (
    <Card>
      <CardHeader title="Per-model markups" description="For one model, platform-wide or in one workspace." />
      <CardBody className="space-y-4">
        {models.length === 0 ? (
          <p className="text-sm text-muted">No models yet.</p>
        ) : (
          <form noValidate onSubmit={onSubmit} className="space-y-3" data-testid="model-markup-form">
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_12rem_auto] lg:items-start">
              <SelectField id="model-name" label="Model" name="model" defaultValue={models[0]}>
                {models.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </SelectField>
              <InputField
                id="model-workspace"
                label="Workspace slug (optional)"
                hint="Blank: every workspace"
                name="workspace"
                autoComplete="off"
              />
              <BpsInput key={round} id="model-bps" invalid={Boolean(error)} />
              <Button type="submit" disabled={pending} className="lg:mt-6">
                Set
              </Button>
            </div>
            <FormError message={error} />
          </form>
        )}
        {overrides.length === 0 ? (
          <p className="text-sm text-muted">No per-model markups.</p>
        ) : (
          <ul className="divide-y divide-line rounded-md border border-line" data-testid="model-markups">
            {overrides.map((o) => (
              <MarkupRow
                key={o.id}
                bps={o.bps}
                removeLabel={`Remove the markup of ${o.model}${o.workspace ? ` in ${o.workspace}` : ""}`}
                change={{
                  scope: "model",
                  model: o.model,
                  ...(o.workspace ? { workspace: o.workspace } : {}),
                  bps: null,
                }}
              >
                <span className="font-medium">{o.model}</span>{" "}
                <span className="text-xs text-muted">
                  {o.workspace ? `in ${o.workspace}` : "platform-wide"}
                </span>
              </MarkupRow>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}

export function MarkupsPanel({
  platformDefaultBps,
  workspaces,
  overrides,
  models,
}: {
  platformDefaultBps: number;
  workspaces: WorkspaceMarkup[];
  overrides: ModelOverride[];
  models: string[];
}) {
  return (
    <div className="space-y-6">
      <PlatformCard bps={platformDefaultBps} />
      <WorkspacesCard workspaces={workspaces} />
      <ModelsCard overrides={overrides} models={models} />
    </div>
  );
}
