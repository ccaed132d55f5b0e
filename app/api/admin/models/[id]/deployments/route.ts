// POST {providerId, upstreamModel, priority?, capabilities?, enabled?}: a new deployment of the model.
import { createDeployment } from "@/lib/admin";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const POST = withOperator<{ id: string }>(async (req, { op, params }) =>
  json(await createDeployment(op, params.id, await readJsonBody(req)), 201),
);
