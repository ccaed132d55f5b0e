// GET: every model with its deployments. POST {name, aliases?, kind?, description?}: a new model.
import { createModel, listModels } from "@/lib/admin";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const GET = withOperator(async (_req, { op }) => json({ data: await listModels(op) }));

export const POST = withOperator(async (req, { op }) =>
  json(await createModel(op, await readJsonBody(req)), 201),
);
