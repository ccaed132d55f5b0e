import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { newId, randomBase62 } from "@/lib/ids";
import { postEntry } from "@/lib/billing/ledger";
import { loadBillingSettings } from "@/lib/billing/settings";
import { requireRole, type Role, type TenantCtx } from "./context";
import { z } from "zod";

export const WorkspaceName = z
  .string()
  .trim()
  .min(1, "Workspace name is required.")
  .max(80, "Workspace name must be at most 80 characters.");

function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "workspace"}-${randomBase62(6).toLowerCase()}`;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Creates a workspace with `userId` as its owner (inside an existing transaction when given one). */
export async function createWorkspaceFor(db: Db | Tx, userId: string, name: string) {
  const tenant = await db.tenant.create({
    data: {
      id: newId("tnt"),
      slug: slugify(name),
      name: WorkspaceName.parse(name),
      memberships: { create: { id: newId("mbr"), userId, role: "owner" } },
    },
  });
  // Promotional credit for new workspaces (operator setting, $1.00 by default), as a grant in the ledger.
  const { signupCreditMicros } = await loadBillingSettings(db);
  if (signupCreditMicros > 0n) {
    await postEntry(db, {
      tenantId: tenant.id,
      kind: "grant",
      amountMicros: signupCreditMicros,
      reference: `signup:${tenant.id}`,
      description: "Welcome credit",
    });
  }
  return tenant;
}

export async function createWorkspace(db: Db, userId: string, name: string) {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("not_found", "User not found.");
  return createWorkspaceFor(db, userId, WorkspaceName.parse(name));
}

export interface WorkspaceSummary {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

export async function listWorkspacesForUser(db: Db, userId: string): Promise<WorkspaceSummary[]> {
  const memberships = await db.membership.findMany({
    where: { userId },
    include: { tenant: true },
    orderBy: { createdAt: "asc" },
  });
  return memberships.map((m) => ({
    id: m.tenant.id,
    slug: m.tenant.slug,
    name: m.tenant.name,
    role: m.role,
  }));
}

export async function renameWorkspace(ctx: TenantCtx, name: string) {
  requireRole(ctx, "admin", "rename the workspace");
  return ctx.db.tenant.update({ where: { id: ctx.tenant.id }, data: { name: WorkspaceName.parse(name) } });
}

/**
 * Deletes the workspace and everything in it (keys, members, invitations, policies). Owners only; `confirmSlug`
 * must be the workspace's slug (unique, unlike its name). Audited: the entry outlives the workspace.
 */
export async function deleteWorkspace(ctx: TenantCtx, confirmSlug: string) {
  requireRole(ctx, "owner", "delete the workspace");
  if (confirmSlug.trim() !== ctx.tenant.slug) {
    throw new AppError("invalid_request", "Type the workspace's slug exactly to confirm.", {
      param: "confirm",
    });
  }
  const keys = await ctx.db.apiKey.findMany({ where: { tenantId: ctx.tenant.id }, select: { hash: true } });
  await ctx.db.tenant.delete({ where: { id: ctx.tenant.id } });
  await recordAudit(ctx.db, {
    tenantId: ctx.tenant.id,
    actorUserId: ctx.user?.id ?? null,
    action: "workspace.delete",
    target: ctx.tenant.id,
    details: { slug: ctx.tenant.slug, name: ctx.tenant.name, keysRevoked: keys.length },
  });
  return keys.map((k) => k.hash);
}

export async function listAllWorkspaces(db: Db) {
  const tenants = await db.tenant.findMany({
    orderBy: { createdAt: "asc" },
    include: { _count: { select: { memberships: true, apiKeys: true } } },
  });
  return tenants.map((t) => ({
    id: t.id,
    slug: t.slug,
    name: t.name,
    createdAt: t.createdAt,
    members: t._count.memberships,
    keys: t._count.apiKeys,
  }));
}
