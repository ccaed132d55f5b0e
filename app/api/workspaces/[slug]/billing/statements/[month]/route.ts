// GET /api/workspaces/:slug/billing/statements/:month: the month's statement (YYYY-MM, in the workspace's time
// zone) as a CSV download, or JSON with ?format=json. Any member may read it, viewers included.
import { getDb } from "@/lib/db/client";
import { withWorkspace, json } from "@/lib/http/with-session";
import { monthlyStatement, parseMonth, statementCsv, statementFilename } from "@/lib/billing/statements";

export const GET = withWorkspace<{ slug: string; month: string }>(async ({ req, params, ctx }) => {
  parseMonth(params.month);
  const statement = await monthlyStatement(await getDb(), ctx.tenant.id, params.month);
  if (new URL(req.url).searchParams.get("format") === "json") return json(statement);
  return new Response(statementCsv(statement), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${statementFilename(ctx.tenant.slug, params.month)}"`,
      "cache-control": "no-store",
    },
  });
});
