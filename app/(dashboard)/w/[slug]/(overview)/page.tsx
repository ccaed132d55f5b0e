// Overview: balance and spend against the budget, the range's headline numbers against the previous period, the
// charts (from the hourly rollups), the latest requests (from the request log), and a getting-started guide
// until the first request arrives.
import Link from "next/link";
import { env } from "@/lib/env";
import { getDb } from "@/lib/db/client";
import { hasRole } from "@/lib/tenancy/context";
import { listApiKeys } from "@/lib/tenancy/api-keys";
import { overview as loadOverview } from "@/lib/reports/overview";
import { requestLog } from "@/lib/reports/requests";
import { parseRange, type SearchParams } from "@/lib/reports/params";
import { Card, CardBody, CardHeader, PageHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/code-block";
import { cn } from "@/components/ui/cn";
import { LineSeriesChart, StackedBarChart } from "@/components/charts/report-charts";
import { FirstRequest } from "@/components/reports/first-request";
import { Kpi } from "@/components/reports/kpi";
import { RangeFallbackNote, RangePicker } from "@/components/reports/range-picker";
import { RequestTable } from "@/components/reports/request-table";
import {
  formatCompact,
  formatCount,
  formatMoney,
  formatMs,
  formatPercent,
} from "@/components/reports/format";
import { loadWorkspace, withRangeFallback } from "../workspace";

export const metadata = { title: "Overview" };

const ERROR_SERIES = [
  { key: "clientErrors", label: "Client errors (4xx)", color: "#f59e0b" },
  { key: "rateLimited", label: "Rate limited (429)", color: "#a855f7" },
  { key: "upstreamErrors", label: "Upstream errors (5xx)", color: "#ef4444" },
  { key: "clientClosed", label: "Client closed (499)", color: "#94a3b8" },
];
const LATENCY_SERIES = [
  { key: "p50", label: "p50", color: "#6366f1" },
  { key: "p95", label: "p95", color: "#f59e0b" },
];

export default async function OverviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { slug } = await params;
  const { ctx } = await loadWorkspace(slug);
  const db = await getDb();
  const baseUrl = `${env().appUrl}/api/v1`;
  const path = `/w/${slug}`;

  const { result: data, rangeError } = await withRangeFallback(parseRange(await searchParams), (r) =>
    loadOverview(db, ctx.tenant.id, r),
  );
  const [latest, keys] = await Promise.all([requestLog(db, ctx.tenant.id, { limit: 5 }), listApiKeys(ctx)]);
  const canManageKeys = hasRole(ctx, "admin");
  const { kpis, range } = data;
  const budget = data.monthlyBudgetMicros;

  return (
    <>
      <PageHeader
        title={ctx.tenant.name}
        description={`You are ${articleFor(ctx.role)} ${ctx.role} of this workspace.`}
      />
      <div className="space-y-6">
        <RangePicker path={path} range={range} />
        <RangeFallbackNote message={rangeError} />

        <dl className="grid grid-cols-2 gap-3 lg:grid-cols-3" data-testid="overview-kpis">
          <Kpi label="Balance" value={formatMoney(data.balanceMicros)} testId="kpi-balance" />
          <Kpi
            label="Spend today"
            value={formatMoney(data.spendToday.current)}
            change={data.spendToday.change}
            note="vs. yesterday"
          />
          <Kpi
            label="Spend this month"
            value={formatMoney(data.spendMonth.current)}
            change={data.spendMonth.change}
            note={
              budget
                ? `${data.budgetUsedPercent ?? 0}% of ${formatMoney(budget)} budget`
                : "no monthly budget"
            }
          />
          <Kpi label="Spend in range" value={formatMoney(kpis.spend.current)} change={kpis.spend.change} />
          <Kpi
            label="Requests"
            value={formatCount(kpis.requests.current)}
            change={kpis.requests.change}
            goodWhen="up"
            testId="kpi-requests"
          />
          <Kpi label="Tokens" value={formatCompact(kpis.tokens.current)} change={kpis.tokens.change} />
          <Kpi
            label="Error rate"
            value={formatPercent(kpis.errorRate.current)}
            change={kpis.errorRate.change}
            goodWhen="down"
          />
          <Kpi
            label="Latency p50"
            value={formatMs(kpis.p50.current?.ms, kpis.p50.current?.overflow)}
            change={kpis.p50.change}
            goodWhen="down"
          />
          <Kpi
            label="Latency p95"
            value={formatMs(kpis.p95.current?.ms, kpis.p95.current?.overflow)}
            change={kpis.p95.change}
            goodWhen="down"
          />
        </dl>

        {data.hasData ? (
          <div className="grid gap-6 lg:grid-cols-2">
            <ChartCard title="Spend by model" description="Charged cost, USD">
              <StackedBarChart
                label="Spend by model"
                data={data.series.spendByModel.points}
                series={data.series.spendByModel.series}
                format="usd"
              />
            </ChartCard>
            <ChartCard title="Requests by provider">
              <StackedBarChart
                label="Requests by provider"
                data={data.series.requestsByProvider.points}
                series={data.series.requestsByProvider.series}
                format="count"
              />
            </ChartCard>
            <ChartCard title="Latency" description="Estimated from the latency histogram">
              <LineSeriesChart
                label="Latency percentiles"
                data={data.series.latency}
                series={LATENCY_SERIES}
                format="ms"
              />
            </ChartCard>
            <ChartCard title="Errors by class">
              <StackedBarChart
                label="Errors by class"
                data={data.series.errors}
                series={ERROR_SERIES}
                format="count"
              />
            </ChartCard>
          </div>
        ) : null}

        <Card>
          <CardHeader
            title="Latest requests"
            actions={
              <Link href={`${path}/requests`} className="text-sm font-medium text-accent hover:underline">
                All requests
              </Link>
            }
          />
          {latest.rows.length > 0 ? (
            <RequestTable slug={slug} rows={latest.rows} timeZone={range.timeZone} />
          ) : (
            <CardBody>
              <FirstRequest
                baseUrl={baseUrl}
                slug={slug}
                canManageKeys={canManageKeys}
                title="No requests yet"
              />
            </CardBody>
          )}
        </Card>

        {latest.rows.length === 0 ? (
          <GettingStarted
            slug={slug}
            baseUrl={baseUrl}
            canManageKeys={canManageKeys}
            hasKey={keys.some((k) => !k.revokedAt && (!k.expiresAt || k.expiresAt > new Date()))}
            used={keys.some((k) => k.lastUsedAt)}
          />
        ) : null}
      </div>
    </>
  );
}

function ChartCard({
  title,
  description,
  children,
}: {
  title: string;
  description?: string;
  children: React.ReactNode;
}) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <CardBody>{children}</CardBody>
    </Card>
  );
}

function GettingStarted(props: {
  slug: string;
  baseUrl: string;
  canManageKeys: boolean;
  hasKey: boolean;
  used: boolean;
}) {
  const steps = [
    {
      done: props.hasKey,
      title: "Create an API key",
      body: props.canManageKeys ? (
        <>
          Mint a key on the{" "}
          <Link href={`/w/${props.slug}/keys`} className="font-medium text-accent hover:underline">
            API keys
          </Link>{" "}
          page. It is shown once: store it somewhere safe.
        </>
      ) : (
        <>Ask an owner or admin of this workspace for an API key.</>
      ),
    },
    {
      done: props.used,
      title: "Call the API",
      body: <>List the models your key can use:</>,
      code: `curl ${props.baseUrl}/models \\\n  -H "Authorization: Bearer $SWITCHYARD_API_KEY"`,
    },
    {
      done: false,
      title: "Point your OpenAI SDK at Switchyard",
      body: (
        <>
          Set the SDK&apos;s base URL to <code className="font-mono text-fg">{props.baseUrl}</code> and use
          your key as the API key. Nothing else in your code changes.
        </>
      ),
    },
  ];
  return (
    <Card>
      <CardHeader title="Getting started" />
      <CardBody>
        <ol className="space-y-5">
          {steps.map((s, i) => (
            <li key={s.title} className="flex gap-3">
              <span
                className={cn(
                  "flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold",
                  s.done ? "bg-success-soft text-success" : "bg-subtle text-muted",
                )}
                aria-hidden="true"
              >
                {s.done ? "✓" : i + 1}
              </span>
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium">
                  {s.title}
                  {s.done ? <span className="sr-only"> (done)</span> : null}
                </p>
                <p className="mt-0.5 text-sm text-muted">{s.body}</p>
                {s.code ? (
                  <div className="mt-2">
                    <CodeBlock code={s.code} />
                  </div>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      </CardBody>
    </Card>
  );
}

function articleFor(role: string): string {
  return /^[aeiou]/.test(role) ? "an" : "a";
}
