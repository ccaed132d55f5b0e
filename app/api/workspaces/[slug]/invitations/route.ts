// GET: pending invitations. POST {email, role}: invites someone; the link is returned (and mailed with SMTP).
import { asObject } from "@/lib/http/parse-json";
import { json, withWorkspace } from "@/lib/http/with-session";
import type { z } from "zod";
import { createInvitation, InvitationInput, listPendingInvitations } from "@/lib/tenancy/invitations";

type Invite = z.input<typeof InvitationInput>; // validated by createInvitation

export const GET = withWorkspace(async ({ ctx }) => ({ data: await listPendingInvitations(ctx) }));

export const POST = withWorkspace(async ({ ctx, body }) => {
  const { invitation: i, url, mailed } = await createInvitation(ctx, asObject(body) as Invite);
  const invitation = { id: i.id, email: i.email, role: i.role, createdAt: i.createdAt, expiresAt: i.expiresAt };
  return json({ invitation, url, mailed }, 201);
});
