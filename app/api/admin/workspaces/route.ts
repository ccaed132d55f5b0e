// GET ?q=: every workspace with members, balance, reserved, spend this month (UTC) and last activity.
import { listWorkspaceOverview } from "@/lib/admin";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const GET = withOperator(async (req, { op }) =>
  json({ data: await listWorkspaceOverview(op, { q: new URL(req.url).searchParams.get("q") ?? undefined }) }),
);
