// lib/tenancy against real databases: sign-up, workspaces, members and roles, invitations and API keys.
// One migrated database per engine for the whole file; every test makes its own users and workspaces.
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/tenancy/api-keys";
import { getTenantCtx, type Role } from "@/lib/tenancy/context";
import {
  acceptInvitation,
  createInvitation,
  describeInvitation,
  INVITATION_TTL_MS,
  listPendingInvitations,
  revokeInvitation,
} from "@/lib/tenancy/invitations";
import { hashApiKey } from "@/lib/tenancy/key-format";
import { changeMemberRole, listMembers, removeMember } from "@/lib/tenancy/members";
import { createUserWithWorkspace } from "@/lib/tenancy/users";
import { createWorkspace, listWorkspacesForUser } from "@/lib/tenancy/workspaces";
import { describeEachDatabase } from "./helpers/db";

const PASSWORD = "Correct-Horse-42";
let counter = 0;

function uniqueEmail(tag: string): string {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${counter}@example.test`;
}

/** A user without a password hash (cheap; sign-up itself is tested on its own). */
async function createUser(db: Db, tag: string) {
  return db.user.create({ data: { id: newId("usr"), email: uniqueEmail(tag) } });
}

/** A workspace with an owner and one member of each other role: each one's ctx, membership id and user id. */
async function createTeam(db: Db) {
  const owner = await createUser(db, "owner");
  const tenant = await createWorkspace(db, owner.id, "Team");
  const userIds: Record<Role, string> = { owner: owner.id, admin: "", member: "", viewer: "" };
  for (const role of ["admin", "member", "viewer"] as const) {
    const user = await createUser(db, role);
    await db.membership.create({ data: { id: newId("mbr"), tenantId: tenant.id, userId: user.id, role } });
    userIds[role] = user.id;
  }
  const memberships = await db.membership.findMany({ where: { tenantId: tenant.id } });
  const person = async (role: Role) => ({
    ctx: await getTenantCtx(db, userIds[role], tenant.slug),
    membershipId: memberships.find((m) => m.userId === userIds[role])!.id,
    userId: userIds[role],
  });
  return {
    tenant,
    owner: await person("owner"),
    admin: await person("admin"),
    member: await person("member"),
    viewer: await person("viewer"),
  };
}

function tokenOf(url: string): string {
  return url.split("/").pop()!;
}

describeEachDatabase("tenancy", (getDb) => {
  const db = () => getDb().prisma;

  describe("sign-up", () => {
    it("creates the user (email lower-cased, password hashed) and a workspace they own", async () => {
      const email = uniqueEmail("Ann");
      const { user, tenant } = await createUserWithWorkspace(db(), {
        email,
        password: PASSWORD,
        name: "Ann Lee",
      });
      expect(user.email).toBe(email.toLowerCase());
      expect(user.passwordHash).toMatch(/^scrypt\$/);
      expect(user.passwordHash).not.toContain(PASSWORD);
      expect(tenant.name).toBe("Ann's workspace");
      expect(await listWorkspacesForUser(db(), user.id)).toEqual([
        { id: tenant.id, slug: tenant.slug, name: tenant.name, role: "owner" },
      ]);
    });

    it("rejects a duplicate email, also in another case, with a conflict", async () => {
      const email = uniqueEmail("dup");
      await createUserWithWorkspace(db(), { email, password: PASSWORD });
      for (const again of [email, email.toUpperCase()]) {
        await expect(
          createUserWithWorkspace(db(), { email: again, password: PASSWORD }),
        ).rejects.toMatchObject({
          name: "AppError",
          code: "conflict",
          param: "email",
        });
      }
      expect(await db().user.count({ where: { email } })).toBe(1);
    });

    it("rejects a weak password with param password, creating nothing", async () => {
      const email = uniqueEmail("weak");
      for (const password of ["short", "password123", "aaaaaaaaaaaa"]) {
        await expect(createUserWithWorkspace(db(), { email, password })).rejects.toMatchObject({
          code: "invalid_request",
          param: "password",
        });
      }
      expect(await db().user.count({ where: { email } })).toBe(0);
    });
  });

  describe("workspaces", () => {
    it("createWorkspace makes the user its owner", async () => {
      const user = await createUser(db(), "ws");
      const first = await createWorkspace(db(), user.id, "First");
      const second = await createWorkspace(db(), user.id, "  Second  ");
      expect(second.name).toBe("Second");
      expect(second.slug).not.toBe(first.slug);
      expect((await listWorkspacesForUser(db(), user.id)).map((w) => [w.id, w.role])).toEqual([
        [first.id, "owner"],
        [second.id, "owner"],
      ]);
      await expect(createWorkspace(db(), "usr_missing", "X")).rejects.toMatchObject({ code: "not_found" });
    });
  });

  describe("members", () => {
    it("an owner changes roles", async () => {
      const team = await createTeam(db());
      const updated = await changeMemberRole(team.owner.ctx, team.member.membershipId, "admin");
      expect(updated.role).toBe("admin");
      await changeMemberRole(team.owner.ctx, team.viewer.membershipId, "owner");
      const roles = Object.fromEntries((await listMembers(team.owner.ctx)).map((m) => [m.user.id, m.role]));
      expect(roles[team.member.userId]).toBe("admin");
      expect(roles[team.viewer.userId]).toBe("owner");
      await expect(changeMemberRole(team.owner.ctx, team.member.membershipId, "god")).rejects.toThrow(
        /Role must be/,
      );
    });

    it("admins manage members and viewers but cannot touch owners or raise anyone to admin", async () => {
      const team = await createTeam(db());
      const admin = team.admin.ctx;
      expect((await changeMemberRole(admin, team.member.membershipId, "viewer")).role).toBe("viewer");
      await expect(changeMemberRole(admin, team.owner.membershipId, "viewer")).rejects.toMatchObject({
        code: "permission_denied",
      });
      await expect(removeMember(admin, team.owner.membershipId)).rejects.toMatchObject({
        code: "permission_denied",
      });
      await expect(changeMemberRole(admin, team.viewer.membershipId, "admin")).rejects.toMatchObject({
        code: "permission_denied",
      });
      await expect(
        changeMemberRole(team.member.ctx, team.viewer.membershipId, "member"),
      ).rejects.toMatchObject({
        code: "permission_denied",
      });
      const owner = await db().membership.findUnique({ where: { id: team.owner.membershipId } });
      expect(owner?.role).toBe("owner");
      await removeMember(admin, team.viewer.membershipId);
      expect(await db().membership.findUnique({ where: { id: team.viewer.membershipId } })).toBeNull();
    });

    it("the last owner can be neither demoted nor removed; with a second owner they can", async () => {
      const team = await createTeam(db());
      const owner = team.owner.ctx;
      await expect(changeMemberRole(owner, team.owner.membershipId, "admin")).rejects.toMatchObject({
        code: "invalid_request",
        message: "A workspace must keep at least one owner.",
      });
      await expect(removeMember(owner, team.owner.membershipId)).rejects.toMatchObject({
        code: "invalid_request",
      });
      expect((await db().membership.findUnique({ where: { id: team.owner.membershipId } }))?.role).toBe(
        "owner",
      );

      await changeMemberRole(owner, team.admin.membershipId, "owner");
      expect((await changeMemberRole(owner, team.owner.membershipId, "admin")).role).toBe("admin");
    });

    it("anyone may leave", async () => {
      const team = await createTeam(db());
      await removeMember(team.viewer.ctx, team.viewer.membershipId);
      expect(await db().membership.findUnique({ where: { id: team.viewer.membershipId } })).toBeNull();
    });
  });

  describe("invitations", () => {
    it("accepting as the invited email creates a membership with the invited role", async () => {
      const team = await createTeam(db());
      const invitee = await createUser(db(), "invitee");
      const { invitation, url, mailed } = await createInvitation(team.owner.ctx, {
        email: invitee.email.toUpperCase(),
        role: "admin",
      });
      expect(mailed).toBe(false);
      expect(invitation.email).toBe(invitee.email);
      expect(invitation.tokenHash).not.toContain(tokenOf(url));
      expect((await listPendingInvitations(team.owner.ctx)).map((i) => i.id)).toContain(invitation.id);
      expect(await describeInvitation(db(), tokenOf(url))).toMatchObject({
        status: "pending",
        role: "admin",
      });

      const joined = await acceptInvitation(db(), tokenOf(url), invitee.id);
      expect(joined.slug).toBe(team.tenant.slug);
      const membership = await db().membership.findFirst({
        where: { tenantId: team.tenant.id, userId: invitee.id },
      });
      expect(membership?.role).toBe("admin");
      expect((await getTenantCtx(db(), invitee.id, team.tenant.slug)).role).toBe("admin");
      expect(await listPendingInvitations(team.owner.ctx)).not.toContainEqual(
        expect.objectContaining({ id: invitation.id }),
      );

      // Used: a second accept is refused.
      await expect(acceptInvitation(db(), tokenOf(url), invitee.id)).rejects.toMatchObject({
        code: "invalid_request",
        message: "This invitation has already been used.",
      });
    });

    it("rejects an expired invitation with a clear message", async () => {
      const team = await createTeam(db());
      const invitee = await createUser(db(), "late");
      const { url } = await createInvitation(team.owner.ctx, { email: invitee.email });
      const later = new Date(Date.now() + INVITATION_TTL_MS + 60_000);
      await expect(acceptInvitation(db(), tokenOf(url), invitee.id, later)).rejects.toMatchObject({
        code: "invalid_request",
        message: "This invitation has expired. Ask for a new one.",
      });
      expect(await db().membership.count({ where: { userId: invitee.id, tenantId: team.tenant.id } })).toBe(
        0,
      );
    });

    it("rejects another account than the invited email", async () => {
      const team = await createTeam(db());
      const invitee = await createUser(db(), "right");
      const other = await createUser(db(), "wrong");
      const { url } = await createInvitation(team.owner.ctx, { email: invitee.email });
      await expect(acceptInvitation(db(), tokenOf(url), other.id)).rejects.toMatchObject({
        code: "permission_denied",
        message: expect.stringContaining(invitee.email),
      });
      expect(await db().membership.count({ where: { userId: other.id } })).toBe(0);
      // Still usable by the right account.
      await acceptInvitation(db(), tokenOf(url), invitee.id);
    });

    it("rejects a revoked invitation", async () => {
      const team = await createTeam(db());
      const invitee = await createUser(db(), "revoked");
      const { invitation, url } = await createInvitation(team.owner.ctx, {
        email: invitee.email,
        role: "viewer",
      });
      await revokeInvitation(team.admin.ctx, invitation.id);
      await expect(acceptInvitation(db(), tokenOf(url), invitee.id)).rejects.toMatchObject({
        code: "not_found",
      });
      await expect(revokeInvitation(team.owner.ctx, invitation.id)).rejects.toMatchObject({
        code: "not_found",
      });
      expect(await db().membership.count({ where: { userId: invitee.id } })).toBe(0);
    });

    it("checks who may invite whom", async () => {
      const team = await createTeam(db());
      const email = uniqueEmail("x");
      await expect(createInvitation(team.member.ctx, { email })).rejects.toMatchObject({
        code: "permission_denied",
      });
      await expect(createInvitation(team.admin.ctx, { email, role: "admin" })).rejects.toMatchObject({
        code: "permission_denied",
        param: "role",
      });
      const member = await db().user.findUniqueOrThrow({ where: { id: team.member.userId } });
      await expect(createInvitation(team.owner.ctx, { email: member.email })).rejects.toMatchObject({
        code: "conflict",
      });
    });
  });

  describe("API keys", () => {
    it("returns the key once and stores only its SHA-256 hash and a hint", async () => {
      const team = await createTeam(db());
      const { key, record } = await createApiKey(team.admin.ctx, { name: "ci" });
      expect(key).toMatch(/^sk-sy-[0-9A-Za-z]{43}$/);
      expect(record.hint).toBe(`sk-sy-…${key.slice(-4)}`);
      expect(record).not.toHaveProperty("hash");

      const rows = await db().$queryRawUnsafe<Record<string, unknown>[]>(
        `SELECT * FROM "ApiKey" WHERE id = $1`,
        record.id,
      );
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.hash).toBe(hashApiKey(key));
      expect(row.tenantId).toBe(team.tenant.id);
      expect(row.createdById).toBe(team.admin.userId);
      const stored = JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
      expect(stored).not.toContain(key.slice("sk-sy-".length, -4)); // no part of the secret beyond the hint

      const listed = await listApiKeys(team.viewer.ctx);
      expect(listed.map((k) => k.id)).toEqual([record.id]);
      expect(listed[0]).not.toHaveProperty("hash");
      expect(JSON.stringify(listed)).not.toContain(key);
      expect(JSON.stringify(listed)).not.toContain(hashApiKey(key));
    });

    it("revoking sets revokedAt once", async () => {
      const team = await createTeam(db());
      const { record } = await createApiKey(team.owner.ctx, { name: "to revoke" });
      const first = await revokeApiKey(team.admin.ctx, record.id);
      expect(first.revokedAt).toBeInstanceOf(Date);
      const row = await db().apiKey.findUniqueOrThrow({ where: { id: record.id } });
      expect(row.revokedAt?.getTime()).toBe(first.revokedAt.getTime());
      const again = await revokeApiKey(team.owner.ctx, record.id);
      expect(again.revokedAt.getTime()).toBe(first.revokedAt.getTime());
      expect((await listApiKeys(team.owner.ctx))[0]?.revokedAt?.getTime()).toBe(first.revokedAt.getTime());
    });

    it("validates the expiry", async () => {
      const team = await createTeam(db());
      await expect(
        createApiKey(team.owner.ctx, { name: "x", expiresAt: "2001-01-01" }),
      ).rejects.toMatchObject({
        code: "invalid_request",
        param: "expiresAt",
      });
      await expect(createApiKey(team.owner.ctx, { name: "x", expiresAt: "tomorrow" })).rejects.toThrow(
        "Expiry must be a date.",
      );
      const { record } = await createApiKey(team.owner.ctx, { name: "x", expiresAt: "2999-01-01" });
      expect(record.expiresAt?.toISOString()).toBe("2999-01-01T00:00:00.000Z");
    });

    it("members and viewers can neither create nor revoke keys", async () => {
      const team = await createTeam(db());
      const { record } = await createApiKey(team.owner.ctx, { name: "kept" });
      for (const role of ["member", "viewer"] as const) {
        await expect(createApiKey(team[role].ctx, { name: "nope" })).rejects.toMatchObject({
          code: "permission_denied",
        });
        await expect(revokeApiKey(team[role].ctx, record.id)).rejects.toMatchObject({
          code: "permission_denied",
        });
      }
      const keys = await db().apiKey.findMany({ where: { tenantId: team.tenant.id } });
      expect(keys.map((k) => [k.id, k.revokedAt])).toEqual([[record.id, null]]);
    });
  });
});
