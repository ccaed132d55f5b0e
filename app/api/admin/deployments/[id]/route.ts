// PATCH {priority?, capabilities?, enabled?}: edit a deployment.
import { updateDeployment } from "@/lib/admin";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const PATCH = withOperator<{ id: string }>(async (req, { op, params }) =>
  json(await updateDeployment(op, params.id, await readJsonBody(req))),
);
