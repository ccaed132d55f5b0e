// POST: the signed-in user accepts the invitation (it must be addressed to their email) and joins the workspace.
// Rate limited per address and per user, so invitation tokens cannot be guessed at speed.
import { clientAddress, consumeAction } from "@/lib/auth/rate-limit";
import { getDb } from "@/lib/db/client";
import { withSession } from "@/lib/http/with-session";
import { getStore } from "@/lib/store";
import { acceptInvitation } from "@/lib/tenancy/invitations";

export const POST = withSession<{ token: string }>(async ({ req, params, user }) => {
  await consumeAction(getStore(), "invitation.accept", { address: clientAddress(req), subject: user.id });
  return { workspace: await acceptInvitation(await getDb(), params.token, user.id) };
});
