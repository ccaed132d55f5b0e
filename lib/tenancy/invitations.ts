import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { isMailConfigured, sendMail } from "@/lib/mail";
import type { Db } from "@/lib/db/client";
import { outranks, requireRole, type TenantCtx } from "./context";
import { RoleInput } from "./members";
import { Email } from "./users";

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export const InvitationInput = z.object({ email: Email, role: RoleInput.default("member") });

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function invitationUrl(token: string): string {
  return `${env().appUrl}/invite/${token}`;
}

/** Creates an invitation; the link is returned (shown once in the UI) and mailed when SMTP is configured. */
export async function createInvitation(ctx: TenantCtx, input: z.input<typeof InvitationInput>, now = new Date()) {
  requireRole(ctx, "admin", "invite members");
  const { email, role } = InvitationInput.parse(input);
  if (ctx.role !== "owner" && !outranks(ctx.role, role)) {
    throw new AppError("permission_denied", "Admins can invite members and viewers only.", { param: "role" });
  }
  const already = await ctx.db.membership.findFirst({ where: { tenantId: ctx.tenant.id, user: { email } } });
  if (already) throw new AppError("conflict", `${email} is already a member of this workspace.`, { param: "email" });

  const token = randomBytes(32).toString("base64url");
  const invitation = await ctx.db.invitation.create({
    data: {
      id: newId("inv"),
      tenantId: ctx.tenant.id,
      email,
      role,
      tokenHash: hashToken(token),
      invitedById: ctx.user?.id ?? null,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    },
  });
  const url = invitationUrl(token);
  const mailed = isMailConfigured()
    ? await sendMail({
        to: email,
        subject: `You are invited to ${ctx.tenant.name} on Switchyard`,
        text: `${ctx.user?.email ?? "An administrator"} invited you to join the workspace "${ctx.tenant.name}" as ${role}.\n\nAccept the invitation: ${url}\n\nThe link expires on ${invitation.expiresAt.toUTCString()}.`,
      })
    : false;
  return { invitation, url, mailed };
}

export async function listPendingInvitations(ctx: TenantCtx, now = new Date()) {
  return ctx.db.invitation.findMany({
    where: { tenantId: ctx.tenant.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true },
  });
}

export async function revokeInvitation(ctx: TenantCtx, invitationId: string) {
  requireRole(ctx, "admin", "revoke invitations");
  const { count } = await ctx.db.invitation.updateMany({
    where: { id: invitationId, tenantId: ctx.tenant.id, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new AppError("not_found", "Invitation not found.");
}

export type InvitationStatus = "pending" | "expired" | "accepted" | "revoked";

/** What the invitation page shows for a token; null for an unknown token. */
export async function describeInvitation(db: Db, token: string, now = new Date()) {
  const inv = await db.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { tenant: true } });
  if (!inv) return null;
  const status: InvitationStatus = inv.acceptedAt
    ? "accepted"
    : inv.revokedAt
      ? "revoked"
      : inv.expiresAt <= now
        ? "expired"
        : "pending";
  return { status, email: inv.email, role: inv.role, workspace: { slug: inv.tenant.slug, name: inv.tenant.name } };
}

/**
 * Accepts an invitation for the signed-in user. The invitation is bound to its email address: a different
 * account cannot use a forwarded link.
 */
export async function acceptInvitation(db: Db, token: string, userId: string, now = new Date()) {
  const inv = await db.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { tenant: true } });
  if (!inv || inv.revokedAt) throw new AppError("not_found", "This invitation does not exist or was revoked.");
  if (inv.acceptedAt) throw new AppError("invalid_request", "This invitation has already been used.");
  if (inv.expiresAt <= now) {
    throw new AppError("invalid_request", "This invitation has expired. Ask for a new one.");
  }
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("unauthenticated", "Sign in to accept the invitation.");
  if (user.email !== inv.email) {
    throw new AppError("permission_denied", `This invitation is for ${inv.email}. Sign in with that address.`);
  }
  await db.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({
      where: { id: inv.id, acceptedAt: null, revokedAt: null },
      data: { acceptedAt: now },
    });
    if (count === 0) throw new AppError("invalid_request", "This invitation has already been used.");
    const existing = await tx.membership.findFirst({ where: { tenantId: inv.tenantId, userId } });
    if (!existing) {
      await tx.membership.create({ data: { id: newId("mbr"), tenantId: inv.tenantId, userId, role: inv.role } });
    }
  });
  return { slug: inv.tenant.slug, name: inv.tenant.name };
}
