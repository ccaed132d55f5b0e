// GET: one workspace (id or slug) with its members and recent ledger entries.
import { getWorkspaceDetail } from "@/lib/admin";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const GET = withOperator<{ id: string }>(async (_req, { op, params }) =>
  json(await getWorkspaceDetail(op, params.id)),
);
