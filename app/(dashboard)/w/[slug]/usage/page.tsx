// Usage report: requests, tokens, provider cost, markup and charged cost, grouped by day, model, provider,
// deployment or key, with filters, totals and a CSV export of exactly what is shown.
import Link from "next/link";
import { env } from "@/lib/env";
import { getDb } from "@/lib/db/client";
import { hasRole } from "@/lib/tenancy/context";
import { reportFilterOptions } from "@/lib/reports/options";
import {
  parseGroupBy,
  parseRange,
  parseUsageFilters,
  queryString,
  type SearchParams,
} from "@/lib/reports/params";
import { GROUP_BYS, usageReport, type GroupBy, type UsageReport, type UsageRow } from "@/lib/reports/usage";
import { Card, CardBody, CardHeader, PageHeader } from "@/components/ui/card";
import { buttonClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FilterSelect } from "@/components/reports/filter-select";
import { FirstRequest } from "@/components/reports/first-request";
import { RangeFallbackNote, RangePicker } from "@/components/reports/range-picker";
import { TableScroll, Td, Th } from "@/components/reports/table";
import { formatCount, formatMoney } from "@/components/reports/format";
import { loadWorkspace, withRangeFallback } from "../workspace";

export const metadata = { title: "Usage" };

const GROUP_LABELS: Record<GroupBy, string> = {
  day: "Day",
  model: "Model",
  provider: "Provider",
  deployment: "Deployment",
  key: "API key",
};

export default async function UsagePage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { slug } = await params;
  const sp = await searchParams;
  const { ctx } = await loadWorkspace(slug);
  const db = await getDb();
  const path = `/w/${slug}/usage`;
  const groupBy = parseGroupBy(sp);
  const filters = parseUsageFilters(sp);

  const {
    result: report,
    range,
    rangeError,
  } = await withRangeFallback(parseRange(sp), (r) =>
    usageReport(db, ctx.tenant.id, { range: r, groupBy, filters }),
  );
  const options = await reportFilterOptions(db, ctx.tenant.id);

  const rangeParams = { range: range.range, from: range.from, to: range.to };
  const filterParams = { model: filters.modelId, provider: filters.providerId, key: filters.apiKeyId };
  const exportHref = `/api/workspaces/${slug}/usage/export${queryString({ ...rangeParams, groupBy, ...filterParams })}`;

  return (
    <>
      <PageHeader
        title="Usage"
        description="Requests, tokens and cost. Provider cost is what the providers charge; the markup is added on top."
      />
      <div className="space-y-6">
        <RangePicker path={path} range={report.range} keep={{ groupBy, ...filterParams }} />
        <RangeFallbackNote message={rangeError} />

        <Card>
          <CardHeader
            title="Breakdown"
            actions={
              <a
                href={exportHref}
                className={buttonClass("secondary", "sm")}
                download
                data-testid="usage-export"
              >
                Export CSV
              </a>
            }
          />
          <div className="space-y-4 border-b border-line px-4 py-3 sm:px-5">
            <nav aria-label="Group by" className="flex gap-1 overflow-x-auto">
              {GROUP_BYS.map((g) => (
                <Link
                  key={g}
                  href={`${path}${queryString({ ...rangeParams, groupBy: g, ...filterParams })}`}
                  aria-current={g === groupBy ? "page" : undefined}
                  className={cn(
                    "shrink-0 rounded-md px-3 py-1.5 text-sm font-medium",
                    g === groupBy ? "bg-accent-soft text-accent" : "text-muted hover:bg-subtle hover:text-fg",
                  )}
                >
                  {GROUP_LABELS[g]}
                </Link>
              ))}
            </nav>
            <form method="get" action={path} className="flex flex-wrap items-end gap-3" aria-label="Filters">
              {Object.entries({ ...rangeParams, groupBy }).map(([k, v]) =>
                v ? <input key={k} type="hidden" name={k} value={v} /> : null,
              )}
              <FilterSelect name="model" label="Model" value={filters.modelId} options={options.models} />
              <FilterSelect
                name="provider"
                label="Provider"
                value={filters.providerId}
                options={options.providers}
              />
              <FilterSelect name="key" label="API key" value={filters.apiKeyId} options={options.keys} />
              <button type="submit" className={buttonClass("secondary", "sm")}>
                Filter
              </button>
              {filters.modelId || filters.providerId || filters.apiKeyId ? (
                <Link
                  href={`${path}${queryString({ ...rangeParams, groupBy })}`}
                  className="text-sm text-accent hover:underline"
                >
                  Clear filters
                </Link>
              ) : null}
            </form>
          </div>
          {report.rows.length > 0 ? (
            <UsageTable report={report} />
          ) : (
            <CardBody>
              <FirstRequest
                baseUrl={`${env().appUrl}/api/v1`}
                slug={slug}
                canManageKeys={hasRole(ctx, "admin")}
                title="No usage in this range"
              />
            </CardBody>
          )}
        </Card>
      </div>
    </>
  );
}

function UsageTable({ report }: { report: UsageReport }) {
  const cells = (r: UsageRow) => (
    <>
      <Td numeric>{formatCount(r.requests)}</Td>
      <Td numeric>{formatCount(r.errors)}</Td>
      <Td numeric>{formatCount(r.inputTokens)}</Td>
      <Td numeric>{formatCount(r.outputTokens)}</Td>
      <Td numeric>{formatMoney(r.providerCostMicros)}</Td>
      <Td numeric>{formatMoney(r.markupMicros)}</Td>
      <Td numeric className="font-medium">
        {formatMoney(r.costMicros)}
      </Td>
    </>
  );
  return (
    <TableScroll label="Usage breakdown">
      <thead>
        <tr>
          <Th>{GROUP_LABELS[report.groupBy]}</Th>
          <Th numeric>Requests</Th>
          <Th numeric>Errors</Th>
          <Th numeric>Input tokens</Th>
          <Th numeric>Output tokens</Th>
          <Th numeric>Provider cost</Th>
          <Th numeric>Markup</Th>
          <Th numeric>Charged</Th>
        </tr>
      </thead>
      <tbody>
        {report.rows.map((r) => (
          <tr key={r.key} data-testid="usage-row">
            <Td>{r.label}</Td>
            {cells(r)}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr className="font-semibold" data-testid="usage-total">
          <Td>Total</Td>
          {cells(report.totals)}
        </tr>
      </tfoot>
    </TableScroll>
  );
}
