// POST a sample chat request ({model, messages?, tools?, response_format?, provider?, models?, route?}; any member):
// which deployments the relay would try now, in what order and why, with each one's live health. Errors are the
// relay's own (unknown model 404, region constraint 403, ...).
import { withWorkspace } from "@/lib/http/with-session";
import { explainWorkspaceRoute } from "@/lib/routing/explain";

export const POST = withWorkspace(async ({ ctx, body }) => explainWorkspaceRoute(ctx, body));
