// POST: the signed-in user accepts the invitation (it must be addressed to their email) and joins the workspace.
import { getDb } from "@/lib/db/client";
import { withSession } from "@/lib/http/with-session";
import { acceptInvitation } from "@/lib/tenancy/invitations";

export const POST = withSession<{ token: string }>(async ({ params, user }) => ({
  workspace: await acceptInvitation(await getDb(), params.token, user.id),
}));
