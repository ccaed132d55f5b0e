// GET /api/workspaces/:slug/usage/export?range=7d&groupBy=model&model=&provider=&key= : the usage report as CSV
// (any member, viewers included: they can see the same numbers on the page).
import { withWorkspace } from "@/lib/http/with-session";
import { parseGroupBy, parseRange, parseUsageFilters } from "@/lib/reports/params";
import { usageCsv } from "@/lib/reports/usage";

export const GET = withWorkspace(async ({ req, ctx }) => {
  const sp = Object.fromEntries(new URL(req.url).searchParams);
  const groupBy = parseGroupBy(sp);
  const csv = await usageCsv(ctx.db, ctx.tenant.id, {
    range: parseRange(sp),
    groupBy,
    filters: parseUsageFilters(sp),
  });
  const name = `${ctx.tenant.slug}-usage-by-${groupBy}-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
    },
  });
});
