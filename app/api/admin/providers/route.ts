// GET: every provider (never a key). POST {name, protocol, vendor?, baseUrl, region?, noDataRetention?, enabled?,
// apiKey?}: a new provider; the key is encrypted at rest and never returned.
import { createProvider, listProviders } from "@/lib/admin";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const GET = withOperator(async (_req, { op }) => json({ data: await listProviders(op) }));

export const POST = withOperator(async (req, { op }) =>
  json(await createProvider(op, await readJsonBody(req)), 201),
);
