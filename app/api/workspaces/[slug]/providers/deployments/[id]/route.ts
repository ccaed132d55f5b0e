// PATCH {enabled} (platform admins only): takes a deployment out of rotation or puts it back, for every workspace.
// Audited; this instance reloads its catalog at once, the others within seconds.
import { z } from "zod";
import { assertMayToggleDeployments, setDeploymentEnabled } from "@/lib/catalog/deployments";
import { withWorkspace } from "@/lib/http/with-session";

const Toggle = z.strictObject({ enabled: z.boolean({ error: "must be true or false" }) });

export const PATCH = withWorkspace<{ slug: string; id: string }>(async ({ ctx, params, body }) => {
  await assertMayToggleDeployments(ctx.db, ctx.user?.id); // before the body: 403 to others whatever they send
  return setDeploymentEnabled(
    ctx.db,
    { userId: ctx.user?.id ?? null },
    params.id,
    Toggle.parse(body).enabled,
  );
});
