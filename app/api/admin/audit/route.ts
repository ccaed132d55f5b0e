// GET ?workspace=&action=&cursor=: a page of the audit log, newest first, with the next page's cursor.
import { listAuditPage } from "@/lib/admin";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const GET = withOperator(async (req, { op }) => {
  const q = new URL(req.url).searchParams;
  return json(
    await listAuditPage(op, {
      workspace: q.get("workspace") || undefined,
      action: q.get("action") || undefined,
      cursor: q.get("cursor") || undefined,
    }),
  );
});
