import { z } from "zod";
import { AppError } from "@/lib/errors";
import { outranks, requireRole, ROLES, type Role, type TenantCtx } from "./context";

export const RoleInput = z.enum(ROLES, { message: "Role must be owner, admin, member or viewer." });

export async function listMembers(ctx: TenantCtx) {
  const rows = await ctx.db.membership.findMany({
    where: { tenantId: ctx.tenant.id },
    include: { user: { select: { id: true, email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({
    id: m.id,
    role: m.role,
    createdAt: m.createdAt,
    user: m.user,
  }));
}

async function getMembershipInTenant(ctx: TenantCtx, membershipId: string) {
  const m = await ctx.db.membership.findFirst({ where: { id: membershipId, tenantId: ctx.tenant.id } });
  if (!m) throw new AppError("not_found", "Member not found.");
  return m;
}

async function assertNotLastOwner(ctx: TenantCtx, membership: { role: Role }) {
  if (membership.role !== "owner") return;
  const owners = await ctx.db.membership.count({ where: { tenantId: ctx.tenant.id, role: "owner" } });
  if (owners <= 1) throw new AppError("invalid_request", "A workspace must keep at least one owner.");
}

/** Owners may set any role; admins may manage members and viewers but not owners or other admins. */
function assertMayManage(ctx: TenantCtx, current: Role, next?: Role) {
  requireRole(ctx, "admin", "manage members");
  if (ctx.role === "owner") return;
  if (!outranks(ctx.role, current) || (next && !outranks(ctx.role, next))) {
    throw new AppError("permission_denied", "Admins can only manage members and viewers.");
  }
}

export async function changeMemberRole(ctx: TenantCtx, membershipId: string, roleInput: string) {
  const role = RoleInput.parse(roleInput);
  const m = await getMembershipInTenant(ctx, membershipId);
  assertMayManage(ctx, m.role, role);
  if (m.role === role) return m;
  if (role !== "owner") await assertNotLastOwner(ctx, m);
  return ctx.db.membership.update({ where: { id: m.id }, data: { role } });
}

export async function removeMember(ctx: TenantCtx, membershipId: string) {
  const m = await getMembershipInTenant(ctx, membershipId);
  // Anyone may leave; removing someone else needs the right role.
  if (m.userId !== ctx.user?.id) assertMayManage(ctx, m.role);
  await assertNotLastOwner(ctx, m);
  await ctx.db.membership.delete({ where: { id: m.id } });
}
