// GET (any member): every deployment the workspace can use with its price in force and this instance's live health
// (error rates by class, time to first token, circuit state, cooldown, per-minute history). The operator also sees
// disabled deployments. The providers page polls it every few seconds.
import { listWorkspaceDeployments } from "@/lib/catalog/deployments";
import { withWorkspace } from "@/lib/http/with-session";

export const GET = withWorkspace(async ({ ctx }) => listWorkspaceDeployments(ctx));
