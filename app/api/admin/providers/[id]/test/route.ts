// POST: call the provider's models endpoint from the server; status, latency and error.
import { testProviderConnection } from "@/lib/admin";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const POST = withOperator<{ id: string }>(async (_req, { op, params }) =>
  json(await testProviderConnection(op, params.id)),
);
