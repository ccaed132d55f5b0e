// GET: pending invitations. POST {email, role}: invites someone; the link is returned (and mailed with SMTP).
// Invitations are rate limited per address and per workspace (they can send mail to strangers).
import { clientAddress, consumeAction } from "@/lib/auth/rate-limit";
import { asObject } from "@/lib/http/parse-json";
import { json, withWorkspace } from "@/lib/http/with-session";
import { getStore } from "@/lib/store";
import type { z } from "zod";
import { requireRole } from "@/lib/tenancy/context";
import { createInvitation, InvitationInput, listPendingInvitations } from "@/lib/tenancy/invitations";

type Invite = z.input<typeof InvitationInput>; // validated by createInvitation

export const GET = withWorkspace(async ({ ctx }) => ({ data: await listPendingInvitations(ctx) }));

export const POST = withWorkspace(async ({ req, ctx, body }) => {
  requireRole(ctx, "admin", "invite members"); // before counting: a viewer must not use up the workspace's quota
  await consumeAction(getStore(), "invitation.create", { address: clientAddress(req), subject: ctx.tenant.id });
  const { invitation: i, url, mailed } = await createInvitation(ctx, asObject(body) as Invite);
  const invitation = { id: i.id, email: i.email, role: i.role, createdAt: i.createdAt, expiresAt: i.expiresAt };
  return json({ invitation, url, mailed }, 201);
});
