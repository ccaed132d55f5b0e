// POST {amountUsd, kind: adjustment|grant, note, requestId?}: one ledger entry on the workspace (id), audited.
import { grantCredit } from "@/lib/admin";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const POST = withOperator<{ id: string }>(async (req, { op, params }) => {
  const result = await grantCredit(op, params.id, await readJsonBody(req));
  return json(result, result.posted ? 201 : 200);
});
