// PUT {apiKey}: rotate the provider's key (write-only; "" removes it).
import { rotateProviderKey } from "@/lib/admin";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const PUT = withOperator<{ id: string }>(async (req, { op, params }) =>
  json(await rotateProviderKey(op, params.id, await readJsonBody(req))),
);
