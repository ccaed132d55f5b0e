// The workspace itself. GET: its id, slug, name and the caller's role. PATCH {name}: rename (admins and owners).
// DELETE {confirm: <exact slug>}: delete it and everything in it (owners); its keys stop working at once.
import { z } from "zod";
import { invalidateApiKey } from "@/lib/gateway/key-cache";
import { asObject } from "@/lib/http/parse-json";
import { withWorkspace } from "@/lib/http/with-session";
import { deleteWorkspace, renameWorkspace, WorkspaceName } from "@/lib/tenancy/workspaces";

const Rename = z.object({ name: WorkspaceName });

export const GET = withWorkspace(async ({ ctx }) => ({ workspace: ctx.tenant, role: ctx.role }));

export const PATCH = withWorkspace(
  async ({ ctx, body }) => {
    const t = await renameWorkspace(ctx, Rename.parse(body).name);
    return { workspace: { id: t.id, slug: t.slug, name: t.name } };
  },
  { role: "admin", action: "rename the workspace" },
);

export const DELETE = withWorkspace(async ({ ctx, body }) => {
  const hashes = await deleteWorkspace(ctx, String(asObject(body).confirm ?? ""));
  await Promise.all(hashes.map((h) => invalidateApiKey(h)));
  return { deleted: true };
});
