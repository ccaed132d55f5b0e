"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";

export function SettingsPanel({
  workspace,
  canRename,
  canDelete,
  children,
}: {
  workspace: { id: string; slug: string; name: string };
  canRename: boolean;
  canDelete: boolean;
  /** Further settings cards, shown between General and the danger zone. */
  children?: React.ReactNode;
}) {
  const router = useRouter();
  const [renameError, setRenameError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);
  const [confirm, setConfirm] = useState("");
  const [deleteError, setDeleteError] = useState<string>();
  const [deleting, setDeleting] = useState(false);

  async function onRename(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    setSaving(true);
    setSaved(false);
    setRenameError(undefined);
    const res = await callApi("PATCH", `/api/workspaces/${workspace.slug}`, { name });
    setSaving(false);
    if (!res.ok) {
      setRenameError(res.message);
      return;
    }
    setSaved(true);
    router.refresh();
  }

  async function onDelete(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDeleting(true);
    setDeleteError(undefined);
    const res = await callApi("DELETE", `/api/workspaces/${workspace.slug}`, { confirm });
    if (!res.ok) {
      setDeleting(false);
      setDeleteError(res.message);
      return;
    }
    router.push("/dashboard");
  }

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="General" />
        <CardBody className="space-y-6">
          {canRename ? (
            <form noValidate onSubmit={onRename} className="space-y-3">
              <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
                <Field id="workspace-name" label="Workspace name" className="flex-1">
                  <Input
                    id="workspace-name"
                    name="name"
                    defaultValue={workspace.name}
                    maxLength={80}
                    required
                    onChange={() => setSaved(false)}
                  />
                </Field>
                <Button type="submit" disabled={saving}>
                  Save
                </Button>
              </div>
              <FormError message={renameError} />
              {saved ? (
                <p className="text-sm text-success" role="status">
                  Saved.
                </p>
              ) : null}
            </form>
          ) : (
            <div>
              <p className="text-sm font-medium">Workspace name</p>
              <p className="mt-1 text-sm">{workspace.name}</p>
              <p className="mt-1 text-xs text-muted">Only owners and admins can rename the workspace.</p>
            </div>
          )}

          <dl className="grid gap-4 sm:grid-cols-2">
            {[
              ["Workspace ID", workspace.id],
              ["Slug", workspace.slug],
            ].map(([label, value]) => (
              <div key={label} className="min-w-0">
                <dt className="text-sm font-medium">{label}</dt>
                <dd className="mt-1 flex items-center gap-2">
                  <code className="min-w-0 flex-1 truncate rounded-md border border-line bg-subtle px-3 py-1.5 font-mono text-xs">
                    {value}
                  </code>
                  <CopyButton text={value!} label={`Copy ${label!.toLowerCase()}`} />
                </dd>
              </div>
            ))}
          </dl>
        </CardBody>
      </Card>

      {children}

      {canDelete ? (
        <section className="rounded-lg border border-danger/40 bg-surface">
          <div className="border-b border-danger/30 px-4 py-3 sm:px-5">
            <h2 className="text-base font-semibold text-danger">Danger zone</h2>
            <p className="mt-0.5 text-sm text-muted">
              Deleting the workspace removes its API keys, members, invitations and routing policies. Its keys
              stop working at once. This cannot be undone.
            </p>
          </div>
          <form noValidate onSubmit={onDelete} className="space-y-3 px-4 py-4 sm:px-5">
            <Field
              id="delete-confirm"
              label={<>To confirm, type the workspace&apos;s slug “{workspace.slug}”</>}
            >
              <Input
                id="delete-confirm"
                name="confirm"
                autoComplete="off"
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
              />
            </Field>
            <FormError message={deleteError} />
            <Button type="submit" variant="danger" disabled={deleting || confirm.trim() !== workspace.slug}>
              Delete workspace
            </Button>
          </form>
        </section>
      ) : null}
    </div>
  );
}
