// Workspace-wide rate limits and the response cache. GET (any member): {rpmLimit, tpmLimit, cacheEnabled,
// cacheTtlSeconds}. PATCH {rpm?, tpm?, cacheEnabled?, cacheTtlSeconds?} (admins and owners; null removes a limit):
// the new settings, applied on every instance within seconds.
import { withWorkspace } from "@/lib/http/with-session";
import { getWorkspaceLimits, setWorkspaceLimits, type WorkspaceLimitsInput } from "@/lib/tenancy/limits";

export const GET = withWorkspace(async ({ ctx }) => getWorkspaceLimits(ctx));

// The body is validated by setWorkspaceLimits.
export const PATCH = withWorkspace(async ({ ctx, body }) =>
  setWorkspaceLimits(ctx, body as WorkspaceLimitsInput),
);
