"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";
import { endOfDay } from "./end-of-day";
import { KeyLimitsDialog } from "./key-limits-dialog";

/** One key as the page shows it: display text formatted on the server, plus the raw values the editor starts from. */
export interface KeyRow {
  id: string;
  name: string;
  hint: string;
  created: string;
  lastUsed: string;
  /** Absolute time of the last use (UTC), for the tooltip; null when never used. */
  lastUsedAt: string | null;
  expires: string;
  /** ISO timestamp, or null for no expiry. */
  expiresAt: string | null;
  status: "active" | "revoked" | "expired";
  rpmLimit: number | null;
  tpmLimit: number | null;
  /** Exact USD ("12.50"), or null for no limit. */
  spendLimit: string | null;
  spendLimitPeriod: "monthly" | "total";
  /** Empty: every model. */
  allowedModels: string[];
  requestsThisMonth: string;
  spendThisMonth: string;
  /** Spend against the limit in its period, when there is a limit. */
  budget: { spent: string; limit: string; percent: number } | null;
}

const STATUS_TONE = { active: "success", revoked: "danger", expired: "warn" } as const;

export function KeysPanel({
  slug,
  canManage,
  keys,
  models,
}: {
  slug: string;
  /** Admins and owners: create, revoke, and edit limits. Others see every value read-only. */
  canManage: boolean;
  keys: KeyRow[];
  /** The catalog's public model names (choices for a key's allowed models). */
  models: string[];
}) {
  const router = useRouter();
  const [editing, setEditing] = useState<KeyRow | null>(null);
  const [createError, setCreateError] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const [revokeError, setRevokeError] = useState<string>();
  const [revokePending, setRevokePending] = useState(false);

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setCreating(true);
    setCreateError(undefined);
    const res = await callApi<{ key: string; record: { name: string } }>("POST", `/api/workspaces/${slug}/keys`, {
      name: String(data.get("name") ?? ""),
      expiresAt: endOfDay(String(data.get("expiresAt") ?? "")),
    });
    setCreating(false);
    if (!res.ok) {
      setCreateError(res.message);
      return;
    }
    form.reset();
    setCreated({ key: res.data.key, name: res.data.record.name });
    router.refresh();
  }

  async function onRevoke() {
    if (!revoking) return;
    setRevokePending(true);
    setRevokeError(undefined);
    const res = await callApi("DELETE", `/api/workspaces/${slug}/keys/${revoking.id}`);
    setRevokePending(false);
    if (!res.ok) {
      setRevokeError(res.message);
      return;
    }
    setRevoking(null);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      {canManage ? (
        <Card>
          <CardHeader title="Create a key" description="The full key is shown once, right after you create it." />
          <CardBody>
            <form noValidate onSubmit={onCreate} className="space-y-4">
              <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-end">
                <Field id="key-name" label="Key name">
                  <Input id="key-name" name="name" maxLength={80} placeholder="Production backend" required />
                </Field>
                <Field id="key-expires" label="Expires (optional)">
                  <Input id="key-expires" name="expiresAt" type="date" />
                </Field>
                <Button type="submit" disabled={creating} className="w-full sm:w-auto">
                  Create key
                </Button>
              </div>
              <FormError message={createError} />
            </form>
          </CardBody>
        </Card>
      ) : (
        <p className="rounded-md border border-line bg-subtle px-4 py-3 text-sm text-muted">
          Only owners and admins can create or revoke keys, or change their limits, in this workspace.
        </p>
      )}

      <Card>
        <CardHeader title="Keys" description={`${keys.length} ${keys.length === 1 ? "key" : "keys"}`} />
        {keys.length === 0 ? (
          <CardBody>
            <p className="text-sm text-muted">No keys yet.{canManage ? " Create one above to call the API." : ""}</p>
          </CardBody>
        ) : (
          <ul className="divide-y divide-line">
            {keys.map((k) => (
              <KeyItem
                key={k.id}
                k={k}
                canManage={canManage}
                onEdit={() => setEditing(k)}
                onRevoke={() => {
                  setRevokeError(undefined);
                  setRevoking(k);
                }}
              />
            ))}
          </ul>
        )}
      </Card>

      {editing ? (
        <KeyLimitsDialog
          slug={slug}
          keyRow={editing}
          models={models}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            router.refresh();
          }}
        />
      ) : null}

      {created ? (
        <Dialog
          title="Your new API key"
          description="Copy it now and store it somewhere safe. It will not be shown again."
          onClose={() => setCreated(null)}
        >
          <div className="space-y-3">
            <p className="text-sm text-muted">
              Key <span className="font-medium text-fg">{created.name}</span>
            </p>
            <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
              <code
                data-testid="new-api-key"
                className="min-w-0 flex-1 rounded-md border border-line bg-subtle px-3 py-2 font-mono text-sm break-all select-all"
              >
                {created.key}
              </code>
              <CopyButton text={created.key} size="md" />
            </div>
            <p className="rounded-md bg-warn-soft px-3 py-2 text-sm text-warn">
              This key will not be shown again. If you lose it, revoke it and create a new one.
            </p>
          </div>
          <div className="flex justify-end">
            <Button onClick={() => setCreated(null)}>Done</Button>
          </div>
        </Dialog>
      ) : null}

      {revoking ? (
        <Dialog
          title={`Revoke “${revoking.name}”?`}
          description="Requests using this key will be refused immediately. This cannot be undone."
          onClose={() => setRevoking(null)}
        >
          <FormActions
            error={revokeError}
            onCancel={() => setRevoking(null)}
            pending={revokePending}
            onConfirm={onRevoke}
            variant="danger"
          >
            Revoke
          </FormActions>
        </Dialog>
      ) : null}
    </div>
  );
}

const nf = new Intl.NumberFormat("en-US");

function rateLimits(k: KeyRow): string {
  const parts = [
    k.rpmLimit === null ? null : `${nf.format(k.rpmLimit)} RPM`,
    k.tpmLimit === null ? null : `${nf.format(k.tpmLimit)} TPM`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : "None";
}

/** A key as a card: a row of facts that wraps from two columns on a phone to six on a desktop. */
function KeyItem({
  k,
  canManage,
  onEdit,
  onRevoke,
}: {
  k: KeyRow;
  canManage: boolean;
  onEdit: () => void;
  onRevoke: () => void;
}) {
  const editable = canManage && k.status !== "revoked";
  return (
    <li data-testid="api-key-row" className="space-y-3 px-4 py-4 text-sm sm:px-5">
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
        <div className="min-w-0 flex-1">
          <p className="truncate font-medium" title={k.name}>
            {k.name}
          </p>
          <code className="block truncate font-mono text-xs text-muted">{k.hint}</code>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={STATUS_TONE[k.status]}>{k.status[0]!.toUpperCase() + k.status.slice(1)}</Badge>
          {editable ? (
            <>
              <Button variant="secondary" size="sm" onClick={onEdit}>
                Edit limits<span className="sr-only"> of {k.name}</span>
              </Button>
              <Button variant="danger-outline" size="sm" onClick={onRevoke}>
                Revoke
              </Button>
            </>
          ) : null}
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-3 lg:grid-cols-6">
        <Fact label="Created">{k.created}</Fact>
        <Fact label="Last used">
          <span title={k.lastUsedAt ?? undefined}>{k.lastUsed}</span>
        </Fact>
        <Fact label="Expires" testId="key-expires">
          {k.expires}
        </Fact>
        <Fact label="Rate limits" testId="key-rate-limits">
          {rateLimits(k)}
        </Fact>
        <Fact label="Models" testId="key-models">
          {k.allowedModels.length === 0 ? "All" : k.allowedModels.join(", ")}
        </Fact>
        <Fact label="This month">
          {k.requestsThisMonth} req · {k.spendThisMonth}
        </Fact>
      </dl>
      <SpendBar k={k} />
    </li>
  );
}

function Fact({ label, testId, children }: { label: string; testId?: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="break-words" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** Spend against the key's limit in its period, or "No spend limit". */
function SpendBar({ k }: { k: KeyRow }) {
  if (!k.budget) {
    return (
      <p className="text-xs text-muted" data-testid="key-spend-limit">
        No spend limit
      </p>
    );
  }
  const { spent, limit, percent } = k.budget;
  const period = k.spendLimitPeriod === "total" ? "in total" : "this month";
  const tone = percent >= 100 ? "bg-danger" : percent >= 80 ? "bg-warn" : "bg-accent";
  const label = `${spent} of ${limit} ${period}`;
  return (
    <div className="space-y-1">
      <p className="flex justify-between gap-2 text-xs text-muted">
        <span>Spend limit</span>
        <span data-testid="key-spend-limit">{label}</span>
      </p>
      <div
        role="meter"
        aria-label={`Spend limit of ${k.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={label}
        className="h-1.5 overflow-hidden rounded-full bg-subtle"
      >
        <div className={`h-full rounded-full ${tone}`} style={{ width: `${Math.max(percent, percent > 0 ? 2 : 0)}%` }} />
      </div>
    </div>
  );
}
