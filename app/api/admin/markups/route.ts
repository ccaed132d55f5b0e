// GET /api/admin/markups: the platform default and every override. POST: set one, by scope:
//   { scope: "platform", bps }                      the platform default
//   { scope: "workspace", workspace, bps|null }     a workspace's own (null: back to the default)
//   { scope: "model", model, workspace?, bps|null } a model's, platform-wide or in one workspace (null removes)
// Platform admins only (404 for anyone else).
import { z } from "zod";
import {
  findModelId,
  findWorkspaceId,
  listMarkups,
  setModelMarkup,
  setPlatformMarkup,
  setWorkspaceMarkup,
} from "@/lib/billing/markups";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

const Bps = z.number({ error: "Enter a whole number of basis points." });
const MarkupChange = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("platform"), bps: Bps }),
  z.object({
    scope: z.literal("workspace"),
    workspace: z.string().trim().min(1, "Enter a workspace slug."),
    bps: Bps.nullable(),
  }),
  z.object({
    scope: z.literal("model"),
    model: z.string().trim().min(1, "Choose a model."),
    workspace: z.string().trim().optional(),
    bps: Bps.nullable(),
  }),
]);

export const GET = withOperator(async (_req, { db }) => json(await listMarkups(db)));

export const POST = withOperator(async (req, { db, op }) => {
  const change = MarkupChange.parse(await readJsonBody(req));
  if (change.scope === "platform") return json({ bps: await setPlatformMarkup(db, op, change.bps) });
  if (change.scope === "workspace") {
    return json({ bps: await setWorkspaceMarkup(db, op, await findWorkspaceId(db, change.workspace), change.bps) });
  }
  const tenantId = change.workspace ? await findWorkspaceId(db, change.workspace) : null;
  return json({
    bps: await setModelMarkup(db, op, {
      tenantId,
      modelId: await findModelId(db, change.model),
      bps: change.bps,
    }),
  });
});
