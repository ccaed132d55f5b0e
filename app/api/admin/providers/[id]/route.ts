// GET: one provider (never its key). PATCH: edit everything but the key (see ./key).
import { getProvider, updateProvider } from "@/lib/admin";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

type P = { id: string };

export const GET = withOperator<P>(async (_req, { op, params }) => json(await getProvider(op, params.id)));

export const PATCH = withOperator<P>(async (req, { op, params }) =>
  json(await updateProvider(op, params.id, await readJsonBody(req))),
);
