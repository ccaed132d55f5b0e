// Users, and workspaces with one member of each role, made straight in the database for tests of lib/ and routes.
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { createApiKey } from "@/lib/tenancy/api-keys";
import { getTenantCtx, type Role } from "@/lib/tenancy/context";
import { hashApiKey } from "@/lib/tenancy/key-format";
import { createWorkspace } from "@/lib/tenancy/workspaces";

let counter = 0;

/** A user with a unique email (`<tag>-<time>-<n>@example.test`). */
export async function createUser(db: Db, tag: string, isPlatformAdmin = false) {
  counter += 1;
  return db.user.create({
    data: {
      id: newId("usr"),
      email: `${tag}-${Date.now().toString(36)}-${counter}@example.test`,
      isPlatformAdmin,
    },
  });
}

/**
 * A workspace "<name> <tag>" with one member of each role: each one as a session user (`users`, for route
 * handlers) and as a ctx (`owner`, `admin`, `member`, `viewer`, for lib/ functions).
 */
export async function createTeam(db: Db, tag: string, name = "Team") {
  const owner = await createUser(db, `${tag}-owner`);
  const tenant = await createWorkspace(db, owner.id, `${name} ${tag}`);
  const users = { owner: { id: owner.id, email: owner.email, name: null } } as Record<Role, SessionUser>;
  for (const role of ["admin", "member", "viewer"] as const) {
    const user = await createUser(db, `${tag}-${role}`);
    await db.membership.create({ data: { id: newId("mbr"), tenantId: tenant.id, userId: user.id, role } });
    users[role] = { id: user.id, email: user.email, name: null };
  }
  const ctx = (role: Role) => getTenantCtx(db, users[role].id, tenant.slug);
  const [ownerCtx, admin, member, viewer] = await Promise.all(
    (["owner", "admin", "member", "viewer"] as const).map(ctx),
  );
  return { tenant, users, owner: ownerCtx!, admin: admin!, member: member!, viewer: viewer! };
}

/** createTeam, and one API key made by the owner (`key.hash` is what the gateway finds it by). */
export async function createTeamWithKey(db: Db, tag: string, name?: string) {
  const team = await createTeam(db, tag, name);
  const { key, record } = await createApiKey(team.owner, { name: `${tag} key` });
  return { ...team, key: { ...record, hash: hashApiKey(key) } };
}
