// POST {version} (admins and owners): that version's document becomes the newest version, on every instance.
import { RollbackRequest } from "@/lib/routing/explain";
import { rollbackWorkspacePolicy } from "@/lib/routing/policies";
import { withWorkspace } from "@/lib/http/with-session";
import { getStore } from "@/lib/store";

export const POST = withWorkspace(
  async ({ ctx, body }) => rollbackWorkspacePolicy(ctx, RollbackRequest.parse(body).version, getStore()),
  { role: "admin", action: "change the routing policy" },
);
