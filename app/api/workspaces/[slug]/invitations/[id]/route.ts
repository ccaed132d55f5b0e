// DELETE: revokes a pending invitation; its link stops working.
import { withWorkspace } from "@/lib/http/with-session";
import { revokeInvitation } from "@/lib/tenancy/invitations";

export const DELETE = withWorkspace<{ slug: string; id: string }>(async ({ ctx, params }) => {
  await revokeInvitation(ctx, params.id);
  return { revoked: true };
});
