// DELETE: revokes the key (it stays listed, marked revoked).
import { withWorkspace } from "@/lib/http/with-session";
import { revokeApiKey } from "@/lib/tenancy/api-keys";

export const DELETE = withWorkspace<{ slug: string; id: string }>(async ({ ctx, params }) =>
  revokeApiKey(ctx, params.id),
);
