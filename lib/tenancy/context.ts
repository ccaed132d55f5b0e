// Tenancy by construction: every tenant-scoped function takes a TenantCtx first, and every query it makes carries
// `tenantId: ctx.tenant.id`. A ctx only exists for a user who is a member of the workspace (or for the operator
// CLI, which acts as an owner).
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/db/generated/enums";

export type { Role };

export const ROLES = ["owner", "admin", "member", "viewer"] as const satisfies readonly Role[];

const RANK: Record<Role, number> = { owner: 4, admin: 3, member: 2, viewer: 1 };

export interface TenantCtx {
  db: Db;
  tenant: { id: string; slug: string; name: string };
  /** null when the operator CLI acts. */
  user: { id: string; email: string } | null;
  role: Role;
}

export function hasRole(ctx: Pick<TenantCtx, "role">, atLeast: Role): boolean {
  return RANK[ctx.role] >= RANK[atLeast];
}

export function requireRole(ctx: Pick<TenantCtx, "role">, atLeast: Role, action: string): void {
  if (!hasRole(ctx, atLeast)) {
    throw new AppError("permission_denied", `Only ${atLeast}s and above can ${action}.`);
  }
}

export function outranks(a: Role, b: Role): boolean {
  return RANK[a] > RANK[b];
}

/** The membership of `userId` in the workspace `slug`, as a ctx; 404 when there is none (no existence leak). */
export async function getTenantCtx(db: Db, userId: string, slug: string): Promise<TenantCtx> {
  const membership = await db.membership.findFirst({
    where: { userId, tenant: { slug } },
    include: { tenant: true, user: true },
  });
  if (!membership) throw new AppError("not_found", "Workspace not found.");
  const { tenant, user } = membership;
  return {
    db,
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
    user: { id: user.id, email: user.email },
    role: membership.role,
  };
}

/** The operator's ctx on a workspace (CLI): acts as an owner. */
export async function getOperatorCtx(db: Db, workspace: string): Promise<TenantCtx> {
  const tenant = await db.tenant.findFirst({ where: { OR: [{ id: workspace }, { slug: workspace }] } });
  if (!tenant) throw new AppError("not_found", `Workspace ${workspace} not found.`);
  return { db, tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name }, user: null, role: "owner" };
}
