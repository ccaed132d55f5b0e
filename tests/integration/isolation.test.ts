// Tenant isolation: with a ctx of workspace A, no tenancy function reaches workspace B's rows, even given their
// ids. Every miss is a not_found (no existence leak) and leaves B exactly as it was.
import { beforeAll, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/tenancy/api-keys";
import { getTenantCtx, type TenantCtx } from "@/lib/tenancy/context";
import { createInvitation, listPendingInvitations, revokeInvitation } from "@/lib/tenancy/invitations";
import { changeMemberRole, listMembers, removeMember } from "@/lib/tenancy/members";
import { createWorkspace } from "@/lib/tenancy/workspaces";
import { describeEachDatabase } from "./helpers/db";

let counter = 0;

async function createUser(db: Db, tag: string) {
  counter += 1;
  return db.user.create({
    data: { id: newId("usr"), email: `${tag}-${Date.now().toString(36)}-${counter}@example.test` },
  });
}

/** A workspace with an owner, an admin, one API key and one pending invitation. */
async function createWorkspaceWithRows(db: Db, tag: string) {
  const owner = await createUser(db, `${tag}-owner`);
  const admin = await createUser(db, `${tag}-admin`);
  const tenant = await createWorkspace(db, owner.id, `Workspace ${tag}`);
  const adminMembership = await db.membership.create({
    data: { id: newId("mbr"), tenantId: tenant.id, userId: admin.id, role: "admin" },
  });
  const ctx = await getTenantCtx(db, owner.id, tenant.slug);
  const { record: key } = await createApiKey(ctx, { name: `${tag} key` });
  const { invitation } = await createInvitation(ctx, { email: `${tag}-invitee-${counter}@example.test` });
  return { tenant, owner, ctx, key, adminMembership, invitation };
}

/** Everything workspace `tenantId` owns, for before/after comparison. */
async function snapshot(db: Db, tenantId: string) {
  return {
    tenant: await db.tenant.findUnique({ where: { id: tenantId } }),
    memberships: await db.membership.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    apiKeys: await db.apiKey.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    invitations: await db.invitation.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
  };
}

describeEachDatabase("tenant isolation", (getDb) => {
  const db = () => getDb().prisma;
  let a: Awaited<ReturnType<typeof createWorkspaceWithRows>>;
  let b: Awaited<ReturnType<typeof createWorkspaceWithRows>>;
  let ctxA: TenantCtx;

  beforeAll(async () => {
    a = await createWorkspaceWithRows(db(), "a");
    b = await createWorkspaceWithRows(db(), "b");
    ctxA = a.ctx; // an owner: every permission check passes, only the tenant scope can stop it
  });

  it("every id-taking function given an id of B throws not_found and changes nothing in B", async () => {
    const before = await snapshot(db(), b.tenant.id);
    const ownerMembershipOfB = before.memberships.find((m) => m.userId === b.owner.id)!;

    const attempts: [string, () => Promise<unknown>][] = [
      ["revokeApiKey", () => revokeApiKey(ctxA, b.key.id)],
      ["changeMemberRole", () => changeMemberRole(ctxA, b.adminMembership.id, "viewer")],
      ["changeMemberRole (owner)", () => changeMemberRole(ctxA, ownerMembershipOfB.id, "viewer")],
      ["removeMember", () => removeMember(ctxA, b.adminMembership.id)],
      ["removeMember (owner)", () => removeMember(ctxA, ownerMembershipOfB.id)],
      ["revokeInvitation", () => revokeInvitation(ctxA, b.invitation.id)],
    ];
    for (const [name, attempt] of attempts) {
      await expect(attempt(), name).rejects.toMatchObject({ name: "AppError", code: "not_found" });
    }
    expect(await snapshot(db(), b.tenant.id)).toEqual(before);
  });

  it("getTenantCtx refuses a user of A on B, by slug or by id", async () => {
    await expect(getTenantCtx(db(), a.owner.id, b.tenant.slug)).rejects.toMatchObject({ code: "not_found" });
    await expect(getTenantCtx(db(), a.owner.id, b.tenant.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(getTenantCtx(db(), a.owner.id, "no-such-workspace")).rejects.toMatchObject({
      code: "not_found",
      message: "Workspace not found.", // the same answer whether or not the workspace exists
    });
  });

  it("A's lists never include B's rows", async () => {
    const keys = await listApiKeys(ctxA);
    const members = await listMembers(ctxA);
    const invitations = await listPendingInvitations(ctxA);
    expect(keys.map((k) => k.id)).toEqual([a.key.id]);
    expect(members.map((m) => m.user.id).sort()).toEqual([a.owner.id, a.adminMembership.userId].sort());
    expect(invitations.map((i) => i.id)).toEqual([a.invitation.id]);

    const bIds = [b.key.id, b.invitation.id, b.adminMembership.id, b.owner.id, b.adminMembership.userId];
    const listed = JSON.stringify({ keys, members, invitations });
    for (const id of bIds) expect(listed).not.toContain(id);
  });

  it("A's writes stay in A", async () => {
    const before = await snapshot(db(), b.tenant.id);
    const { record } = await createApiKey(ctxA, { name: "another" });
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: record.id } })).tenantId).toBe(a.tenant.id);
    await revokeApiKey(ctxA, record.id);
    expect(await snapshot(db(), b.tenant.id)).toEqual(before);
  });
});
