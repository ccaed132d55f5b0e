"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";

export interface KeyRow {
  id: string;
  name: string;
  hint: string;
  created: string;
  lastUsed: string;
  expires: string;
  status: "active" | "revoked" | "expired";
}

const STATUS_TONE = { active: "success", revoked: "danger", expired: "warn" } as const;

/** End of the chosen day in the browser's time zone, as an ISO timestamp. */
function endOfDay(date: string): string | null {
  if (!date) return null;
  const d = new Date(`${date}T23:59:59.999`);
  return Number.isNaN(d.getTime()) ? date : d.toISOString();
}

export function KeysPanel({ slug, canManage, keys }: { slug: string; canManage: boolean; keys: KeyRow[] }) {
  const router = useRouter();
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
          Only owners and admins can create or revoke keys in this workspace.
        </p>
      )}

      <Card>
        <CardHeader title="Keys" description={`${keys.length} ${keys.length === 1 ? "key" : "keys"}`} />
        {keys.length === 0 ? (
          <CardBody>
            <p className="text-sm text-muted">No keys yet.{canManage ? " Create one above to call the API." : ""}</p>
          </CardBody>
        ) : (
          <div>
            <div
              className="hidden gap-4 border-b border-line px-5 py-2 text-xs font-medium text-muted md:grid md:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_6rem_6.5rem_6rem_5rem_5.5rem]"
              aria-hidden="true"
            >
              <span>Name</span>
              <span>Key</span>
              <span>Created</span>
              <span>Last used</span>
              <span>Expires</span>
              <span>Status</span>
              <span />
            </div>
            <ul className="divide-y divide-line">
              {keys.map((k) => (
                <li
                  key={k.id}
                  data-testid="api-key-row"
                  className="grid grid-cols-2 gap-x-4 gap-y-2 px-4 py-3 text-sm sm:px-5 md:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_6rem_6.5rem_6rem_5rem_5.5rem] md:items-center"
                >
                  <span className="col-span-2 min-w-0 truncate font-medium md:col-span-1" title={k.name}>
                    {k.name}
                  </span>
                  <code className="col-span-2 min-w-0 truncate font-mono text-xs text-muted md:col-span-1">
                    {k.hint}
                  </code>
                  <Cell label="Created">{k.created}</Cell>
                  <Cell label="Last used">{k.lastUsed}</Cell>
                  <Cell label="Expires">{k.expires}</Cell>
                  <span className="flex items-center">
                    <Badge tone={STATUS_TONE[k.status]}>{k.status[0]!.toUpperCase() + k.status.slice(1)}</Badge>
                  </span>
                  <span className="col-span-2 flex md:col-span-1 md:justify-end">
                    {canManage && k.status !== "revoked" ? (
                      <Button
                        variant="danger-outline"
                        size="sm"
                        onClick={() => {
                          setRevokeError(undefined);
                          setRevoking(k);
                        }}
                      >
                        Revoke
                      </Button>
                    ) : null}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </Card>

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
          <FormError message={revokeError} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button variant="danger" onClick={onRevoke} disabled={revokePending}>
              Revoke
            </Button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}

function Cell({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <span className="min-w-0 text-muted">
      <span className="text-xs md:hidden">{label}: </span>
      <span className="text-fg md:text-muted">{children}</span>
    </span>
  );
}
