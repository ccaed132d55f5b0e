"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { Role } from "@/lib/tenancy/context";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";

export interface MemberRow {
  id: string;
  role: Role;
  email: string;
  name: string | null;
  joined: string;
  isMe: boolean;
}

export interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  expires: string;
}

const RANK: Record<Role, number> = { owner: 4, admin: 3, member: 2, viewer: 1 };
const ALL_ROLES: Role[] = ["owner", "admin", "member", "viewer"];
const ROLE_HELP: Record<Role, string> = {
  owner: "everything, including deleting the workspace",
  admin: "keys, members and settings",
  member: "uses the workspace",
  viewer: "read-only",
};

/** Roles `me` may hand out (lib/tenancy/members.ts enforces the same rule). */
function assignableRoles(me: Role): Role[] {
  return me === "owner" ? ALL_ROLES : me === "admin" ? ALL_ROLES.filter((r) => RANK[r] < RANK.admin) : [];
}

function mayManage(me: Role, target: Role): boolean {
  return me === "owner" || (me === "admin" && RANK[target] < RANK.admin);
}

function roleLabel(r: Role): string {
  return r[0]!.toUpperCase() + r.slice(1);
}

export function MembersPanel({
  slug,
  myRole,
  canInvite,
  members,
  invitations,
}: {
  slug: string;
  myRole: Role;
  canInvite: boolean;
  members: MemberRow[];
  invitations: InvitationRow[];
}) {
  const router = useRouter();
  const [inviteError, setInviteError] = useState<string>();
  const [inviting, setInviting] = useState(false);
  const [invited, setInvited] = useState<{ email: string; url: string; mailed: boolean } | null>(null);
  const [listError, setListError] = useState<string>();
  const [pendingRoles, setPendingRoles] = useState<Record<string, Role>>({});
  const [removing, setRemoving] = useState<MemberRow | null>(null);
  const [removeError, setRemoveError] = useState<string>();
  const [removePending, setRemovePending] = useState(false);
  const [inviteListError, setInviteListError] = useState<string>();

  const roles = assignableRoles(myRole);

  async function onInvite(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setInviting(true);
    setInviteError(undefined);
    const res = await callApi<{ invitation: { email: string }; url: string; mailed: boolean }>(
      "POST",
      `/api/workspaces/${slug}/invitations`,
      { email: String(data.get("email") ?? ""), role: String(data.get("role") ?? "member") },
    );
    setInviting(false);
    if (!res.ok) {
      setInviteError(res.message);
      return;
    }
    form.reset();
    setInvited({ email: res.data.invitation.email, url: res.data.url, mailed: res.data.mailed });
    router.refresh();
  }

  async function onChangeRole(m: MemberRow, role: Role) {
    setListError(undefined);
    setPendingRoles((p) => ({ ...p, [m.id]: role }));
    const res = await callApi("PATCH", `/api/workspaces/${slug}/members/${m.id}`, { role });
    setPendingRoles((p) => {
      const next = { ...p };
      delete next[m.id];
      return next;
    });
    if (!res.ok) {
      setListError(res.message);
      return;
    }
    router.refresh();
  }

  async function onRemove() {
    if (!removing) return;
    setRemovePending(true);
    setRemoveError(undefined);
    const res = await callApi("DELETE", `/api/workspaces/${slug}/members/${removing.id}`);
    setRemovePending(false);
    if (!res.ok) {
      setRemoveError(res.message);
      return;
    }
    if (removing.isMe) {
      router.push("/dashboard");
      return;
    }
    setRemoving(null);
    router.refresh();
  }

  async function onRevokeInvitation(inv: InvitationRow) {
    setInviteListError(undefined);
    const res = await callApi("DELETE", `/api/workspaces/${slug}/invitations/${inv.id}`);
    if (!res.ok) {
      setInviteListError(res.message);
      return;
    }
    router.refresh();
  }

  return (
    <div className="space-y-6">
      {canInvite ? (
        <Card>
          <CardHeader title="Invite someone" description="They join with the role you choose when they accept." />
          <CardBody className="space-y-4">
            <form noValidate onSubmit={onInvite} className="space-y-4">
              <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_10rem_auto] sm:items-end">
                <Field id="invite-email" label="Email">
                  <Input id="invite-email" name="email" type="email" placeholder="teammate@example.com" required />
                </Field>
                <Field id="invite-role" label="Role">
                  <Select id="invite-role" name="role" defaultValue="member">
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {roleLabel(r)}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Button type="submit" disabled={inviting} className="w-full sm:w-auto">
                  Invite
                </Button>
              </div>
              <FormError message={inviteError} />
            </form>
            {invited ? (
              <div className="space-y-2 rounded-md border border-success/30 bg-success-soft p-3 text-sm">
                <p className="text-fg">
                  Invitation created for <span className="font-medium">{invited.email}</span>.{" "}
                  {invited.mailed
                    ? "We mailed them the link; you can also send it yourself."
                    : "Send them this link (it expires in 7 days):"}
                </p>
                {invited.mailed ? <Badge tone="success">Mailed</Badge> : null}
                <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
                  <code
                    data-testid="invitation-link"
                    className="min-w-0 flex-1 rounded-md border border-line bg-surface px-3 py-2 font-mono text-xs break-all select-all"
                  >
                    {invited.url}
                  </code>
                  <CopyButton text={invited.url} />
                </div>
              </div>
            ) : null}
          </CardBody>
        </Card>
      ) : null}

      <Card>
        <CardHeader title="Members" description={`${members.length} ${members.length === 1 ? "person" : "people"}`} />
        {listError ? (
          <div className="px-4 pt-4 sm:px-5">
            <FormError message={listError} />
          </div>
        ) : null}
        <ul className="divide-y divide-line">
          {members.map((m) => {
            const manageable = mayManage(myRole, m.role);
            return (
              <li
                key={m.id}
                data-testid="member-row"
                className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-5"
              >
                <div className="min-w-0 flex-1 basis-48">
                  <p className="truncate text-sm font-medium">
                    {m.name || m.email}
                    {m.isMe ? <span className="ml-2 text-xs font-normal text-muted">(you)</span> : null}
                  </p>
                  {m.name ? <p className="truncate text-xs text-muted">{m.email}</p> : null}
                </div>
                <span className="hidden text-xs text-muted sm:inline">Joined {m.joined}</span>
                <div className="flex items-center gap-2">
                  {manageable ? (
                    <Select
                      aria-label={`Access for ${m.email}`}
                      className="h-8 w-28 text-xs"
                      value={pendingRoles[m.id] ?? m.role}
                      disabled={m.id in pendingRoles}
                      onChange={(e) => void onChangeRole(m, e.target.value as Role)}
                    >
                      {roles.map((r) => (
                        <option key={r} value={r}>
                          {roleLabel(r)}
                        </option>
                      ))}
                    </Select>
                  ) : (
                    <Badge tone={m.role === "owner" ? "accent" : "neutral"}>{roleLabel(m.role)}</Badge>
                  )}
                  {manageable || m.isMe ? (
                    <Button
                      variant="danger-outline"
                      size="sm"
                      onClick={() => {
                        setRemoveError(undefined);
                        setRemoving(m);
                      }}
                    >
                      {m.isMe ? "Leave" : "Remove"}
                    </Button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
        <p className="border-t border-line px-4 py-3 text-xs text-muted sm:px-5">
          {ALL_ROLES.map((r) => `${roleLabel(r)}: ${ROLE_HELP[r]}`).join(" · ")}
        </p>
      </Card>

      {invitations.length > 0 ? (
        <Card>
          <CardHeader title="Pending invitations" />
          {inviteListError ? (
            <div className="px-4 pt-4 sm:px-5">
              <FormError message={inviteListError} />
            </div>
          ) : null}
          <ul className="divide-y divide-line">
            {invitations.map((inv) => (
              <li
                key={inv.id}
                data-testid="invitation-row"
                className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 text-sm sm:px-5"
              >
                <span className="min-w-0 flex-1 basis-48 truncate font-medium">{inv.email}</span>
                <Badge>{roleLabel(inv.role)}</Badge>
                <span className="text-xs text-muted">Expires {inv.expires}</span>
                {canInvite ? (
                  <Button
                    variant="danger-outline"
                    size="sm"
                    onClick={() => void onRevokeInvitation(inv)}
                  >
                    Revoke
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      {removing ? (
        <Dialog
          title={removing.isMe ? "Leave this workspace?" : `Remove ${removing.email}?`}
          description={
            removing.isMe
              ? "You will lose access until someone invites you again."
              : "They lose access to this workspace at once. API keys belong to the workspace and keep working."
          }
          onClose={() => setRemoving(null)}
        >
          <FormActions
            error={removeError}
            onCancel={() => setRemoving(null)}
            pending={removePending}
            onConfirm={onRemove}
            variant="danger"
          >
            {removing.isMe ? "Leave" : "Remove"}
          </FormActions>
        </Dialog>
      ) : null}
    </div>
  );
}
