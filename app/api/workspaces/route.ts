// GET /api/workspaces: the signed-in user's workspaces. POST {name}: creates one with them as owner.
import { getDb } from "@/lib/db/client";
import { z } from "zod";
import { json, withSession } from "@/lib/http/with-session";
import { createWorkspace, listWorkspacesForUser, WorkspaceName } from "@/lib/tenancy/workspaces";

const CreateWorkspace = z.object({ name: WorkspaceName });

export const GET = withSession(async ({ user }) => ({ data: await listWorkspacesForUser(await getDb(), user.id) }));

export const POST = withSession(async ({ body, user }) => {
  const t = await createWorkspace(await getDb(), user.id, CreateWorkspace.parse(body).name);
  return json({ workspace: { id: t.id, slug: t.slug, name: t.name } }, 201);
});
