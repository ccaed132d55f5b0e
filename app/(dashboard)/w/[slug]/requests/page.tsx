// The request log: one row per relay request (metadata only), newest first, filtered by model, key, status
// class and days (in the workspace's zone), paged with a cursor.
import Link from "next/link";
import { env } from "@/lib/env";
import { getDb } from "@/lib/db/client";
import { hasRole } from "@/lib/tenancy/context";
import { reportFilterOptions } from "@/lib/reports/options";
import { param, parseStatusClass, queryString, type SearchParams } from "@/lib/reports/params";
import { dayStart } from "@/lib/reports/range";
import { requestLog, type StatusClass } from "@/lib/reports/requests";
import { Card, CardBody, PageHeader } from "@/components/ui/card";
import { buttonClass } from "@/components/ui/button";
import { FilterSelect } from "@/components/reports/filter-select";
import { FirstRequest } from "@/components/reports/first-request";
import { DayInput } from "@/components/reports/range-picker";
import { RequestTable } from "@/components/reports/request-table";
import { loadReportingZone, loadWorkspace } from "../workspace";

export const metadata = { title: "Requests" };

const STATUS_LABELS: Record<StatusClass, string> = {
  success: "Succeeded",
  error: "Any error",
  client_error: "Client errors (4xx)",
  rate_limited: "Rate limited (429)",
  upstream_error: "Upstream errors (5xx)",
  client_closed: "Client closed (499)",
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export default async function RequestsPage({
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
  const timeZone = await loadReportingZone(ctx.tenant.id);
  const path = `/w/${slug}/requests`;

  const model = param(sp, "model");
  const key = param(sp, "key");
  const status = parseStatusClass(sp);
  const fromDay = DAY.test(param(sp, "from") ?? "") ? param(sp, "from") : undefined;
  const toDay = DAY.test(param(sp, "to") ?? "") ? param(sp, "to") : undefined;
  const cursor = param(sp, "cursor");
  const filters = { model, key, status, from: fromDay, to: toDay };
  const filtered = Object.values(filters).some(Boolean);

  const [page, options] = await Promise.all([
    requestLog(db, ctx.tenant.id, {
      modelId: model,
      apiKeyId: key,
      status,
      from: fromDay ? dayStart(fromDay, timeZone) : undefined,
      to: toDay ? dayStart(toDay, timeZone, 1) : undefined,
      cursor,
      limit: 50,
    }).catch(() => ({ rows: [], nextCursor: null, badCursor: true as const })),
    reportFilterOptions(db, ctx.tenant.id),
  ]);

  return (
    <>
      <PageHeader
        title="Requests"
        description={`Every request to the API of this workspace, newest first. Times in ${timeZone}.`}
      />
      <Card>
        <form
          method="get"
          action={path}
          className="flex flex-wrap items-end gap-3 border-b border-line px-4 py-3 sm:px-5"
          aria-label="Filters"
        >
          <FilterSelect name="model" label="Model" value={model} options={options.models} />
          <FilterSelect name="key" label="API key" value={key} options={options.keys} />
          <FilterSelect
            name="status"
            label="Status"
            value={status}
            options={Object.entries(STATUS_LABELS).map(([id, name]) => ({ id, name }))}
          />
          <DayInput label="From" name="from" defaultValue={fromDay} className="mt-1" />
          <DayInput label="To" name="to" defaultValue={toDay} className="mt-1" />
          <button type="submit" className={buttonClass("secondary", "sm")}>
            Filter
          </button>
          {filtered ? (
            <Link href={path} className="text-sm text-accent hover:underline">
              Clear filters
            </Link>
          ) : null}
        </form>
        {page.rows.length > 0 ? (
          <RequestTable slug={slug} rows={page.rows} timeZone={timeZone} />
        ) : filtered || cursor ? (
          <CardBody>
            <p className="text-sm text-muted" data-testid="requests-empty">
              {"badCursor" in page
                ? "That page link is no longer valid."
                : "No requests match these filters."}
            </p>
          </CardBody>
        ) : (
          <CardBody>
            <FirstRequest
              baseUrl={`${env().appUrl}/api/v1`}
              slug={slug}
              canManageKeys={hasRole(ctx, "admin")}
              title="No requests yet"
            />
          </CardBody>
        )}
        {cursor || page.nextCursor ? (
          <nav aria-label="Pages" className="flex justify-between gap-3 px-4 py-3 sm:px-5">
            {cursor ? (
              <Link href={`${path}${queryString(filters)}`} className={buttonClass("ghost", "sm")}>
                Newest
              </Link>
            ) : (
              <span />
            )}
            {page.nextCursor ? (
              <Link
                href={`${path}${queryString({ ...filters, cursor: page.nextCursor })}`}
                className={buttonClass("secondary", "sm")}
              >
                Older requests
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Card>
    </>
  );
}
