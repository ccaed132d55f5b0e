import { formatUsd } from "@/lib/billing/ledger";
import { getBillingOverview, recentMonths } from "@/lib/billing/overview";
import { hasRole } from "@/lib/tenancy/context";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader, PageHeader } from "@/components/ui/card";
import { formatDate, formatDateTime } from "@/components/ui/format";
import { AutoTopUpForm } from "@/components/billing/auto-top-up-form";
import { BudgetForm } from "@/components/billing/budget-form";
import { TopUpForm } from "@/components/billing/top-up-form";
import { loadWorkspace } from "../workspace";

export const metadata = { title: "Billing" };

const STATUS_TONE = {
  paid: "success",
  pending: "warn",
  failed: "danger",
  expired: "neutral",
  refunded: "neutral",
  partially_refunded: "warn",
} as const;

const KIND_LABEL = {
  topup: "Top-up",
  refund: "Refund",
  adjustment: "Adjustment",
  grant: "Grant",
  usage: "Usage",
};

/** Micro-dollars as a plain form value ("25.00"); empty for none. */
const usdInput = (micros: bigint | null) => (micros === null ? "" : formatUsd(micros).replace(/[$,]/g, ""));

export default async function BillingPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ topup?: string }>;
}) {
  const { slug } = await params;
  const { topup } = await searchParams;
  const { ctx } = await loadWorkspace(slug);
  const now = new Date();
  const o = await getBillingOverview(ctx.db, ctx, now);
  const isOwner = hasRole(ctx, "owner");
  const budget = o.tenant.monthlyBudgetMicros;
  const spentPct = budget && budget > 0n ? Number((o.monthSpendMicros * 1000n) / budget) / 10 : null;
  const available = o.tenant.balanceMicros - o.tenant.reservedMicros;

  return (
    <>
      <PageHeader
        title="Billing"
        description="Prepaid credit: requests are charged per token from this balance."
      />
      <div className="space-y-6">
        {topup === "success" ? (
          <p
            data-testid="topup-banner"
            className="rounded-md border border-success/30 bg-success-soft px-4 py-3 text-sm text-success"
          >
            Payment received. Your balance is updated as soon as Stripe confirms it (usually within seconds).
          </p>
        ) : topup === "cancelled" ? (
          <p className="rounded-md border border-line bg-subtle px-4 py-3 text-sm text-muted">
            Checkout was cancelled. Nothing was charged.
          </p>
        ) : null}

        <div className="grid gap-4 sm:grid-cols-3">
          <Stat label="Balance" testId="billing-balance" value={formatUsd(o.tenant.balanceMicros)}>
            {o.tenant.balanceMicros < 0n ? "Negative: requests are refused until you top up." : null}
          </Stat>
          <Stat label="Reserved by requests in flight" value={formatUsd(o.tenant.reservedMicros)}>
            Available {formatUsd(available)}
          </Stat>
          <Stat
            label={`Spent in ${o.monthStart.toLocaleString("en-US", { month: "long", timeZone: "UTC" })}`}
            value={formatUsd(o.monthSpendMicros)}
          >
            {budget ? `of ${formatUsd(budget)} budget (${spentPct}%)` : "No monthly budget"}
          </Stat>
        </div>

        <Card>
          <CardHeader
            title="Add credit"
            description="Pay by card through Stripe Checkout. Credit never expires."
          />
          <CardBody>
            {!o.stripe ? (
              <div data-testid="stripe-not-configured" className="space-y-2 text-sm text-muted">
                <p className="font-medium text-fg">Card payments are not enabled on this installation.</p>
                <p>
                  The operator enables them by setting <code className="font-mono">STRIPE_SECRET_KEY</code>{" "}
                  and <code className="font-mono">STRIPE_WEBHOOK_SECRET</code> (a webhook endpoint pointing at{" "}
                  <code className="font-mono">/api/stripe/webhook</code>) and restarting.
                </p>
                <p>
                  Meanwhile the operator can grant credit:{" "}
                  <code className="font-mono break-all">
                    npm run cli -- credit grant --workspace {ctx.tenant.slug} --usd 25
                  </code>
                </p>
              </div>
            ) : isOwner ? (
              <TopUpForm
                slug={ctx.tenant.slug}
                presetsUsd={o.settings.topUp.presetsUsd}
                minUsd={o.settings.topUp.minUsd}
                maxUsd={o.settings.topUp.maxUsd}
              />
            ) : (
              <p className="text-sm text-muted">
                Billing belongs to the workspace&apos;s owners: ask an owner to add credit.
              </p>
            )}
          </CardBody>
        </Card>

        {o.stripe ? (
          <Card>
            <CardHeader
              title="Auto top-up"
              description={
                o.tenant.autoTopUpEnabled
                  ? `On: adds ${formatUsd(o.tenant.autoTopUpAmountMicros ?? 0n)} when the balance falls below ${formatUsd(o.tenant.autoTopUpThresholdMicros ?? 0n)}.`
                  : "Off."
              }
            />
            <CardBody>
              {isOwner ? (
                <AutoTopUpForm
                  slug={ctx.tenant.slug}
                  hasCard={Boolean(o.tenant.stripePaymentMethodId)}
                  minUsd={o.settings.topUp.minUsd}
                  maxUsd={o.settings.topUp.maxUsd}
                  initial={{
                    enabled: o.tenant.autoTopUpEnabled,
                    thresholdUsd: usdInput(o.tenant.autoTopUpThresholdMicros) || "10.00",
                    amountUsd:
                      usdInput(o.tenant.autoTopUpAmountMicros) ||
                      String(o.settings.topUp.presetsUsd[1] ?? 25),
                  }}
                />
              ) : (
                <p className="text-sm text-muted">Only owners can change auto top-up.</p>
              )}
            </CardBody>
          </Card>
        ) : null}

        <Card>
          <CardHeader
            title="Budget and alerts"
            description="A monthly spending budget for the whole workspace."
          />
          <CardBody>
            <BudgetForm
              slug={ctx.tenant.slug}
              canEdit={hasRole(ctx, "admin")}
              initial={{
                monthlyBudgetUsd: usdInput(budget),
                hardLimit: o.tenant.budgetHardLimit,
                alertWebhookUrl: o.tenant.budgetAlertWebhookUrl ?? "",
              }}
            />
            {o.alerts.length ? (
              <div className="mt-6">
                <h3 className="text-sm font-medium text-fg">Alerts raised</h3>
                <ul className="mt-2 divide-y divide-line text-sm">
                  {o.alerts.map((a) => (
                    <li key={a.id} className="flex flex-wrap justify-between gap-2 py-2">
                      <span>
                        {a.threshold}% of{" "}
                        {a.scope === "workspace" ? "the workspace budget" : `key ${a.scopeId}`} ({a.period})
                      </span>
                      <span className="text-muted">
                        {formatUsd(a.spentMicros)} of {formatUsd(a.limitMicros)} ·{" "}
                        {formatDateTime(a.createdAt)}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            ) : (
              <p className="mt-6 text-sm text-muted">No budget alerts raised.</p>
            )}
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Top-ups" description="Card payments through Stripe, with their receipts." />
          {o.topUps.length === 0 ? (
            <CardBody>
              <p className="text-sm text-muted">No top-ups yet.</p>
            </CardBody>
          ) : (
            <ul className="divide-y divide-line" data-testid="topup-list">
              {o.topUps.map((t) => (
                <li
                  key={t.id}
                  data-testid="topup-row"
                  className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm sm:px-5"
                >
                  <span className="w-28 text-muted">{formatDate(t.createdAt)}</span>
                  <span className="font-medium tabular-nums">{formatUsd(t.amountMicros)}</span>
                  <span className="text-muted">{t.kind === "auto" ? "Auto top-up" : "Checkout"}</span>
                  <Badge tone={STATUS_TONE[t.status as keyof typeof STATUS_TONE] ?? "neutral"}>
                    {t.status.replace("_", " ")}
                  </Badge>
                  {t.refundedMicros > 0n ? (
                    <span className="text-muted">refunded {formatUsd(t.refundedMicros)}</span>
                  ) : null}
                  {t.failureMessage ? <span className="text-danger">{t.failureMessage}</span> : null}
                  {t.receiptUrl ? (
                    <a
                      href={t.receiptUrl}
                      target="_blank"
                      rel="noreferrer"
                      className="ml-auto text-accent hover:underline"
                    >
                      Receipt
                    </a>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card>
          <CardHeader
            title="History"
            description="Credits, refunds and adjustments. Usage is charged per request and summarized by month."
          />
          <ul className="divide-y divide-line text-sm" data-testid="ledger-history">
            <li className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 sm:px-5">
              <span className="w-28 text-muted">This month</span>
              <span className="font-medium">Usage</span>
              <span className="text-muted">{o.usageThisMonth.requests.toLocaleString("en-US")} requests</span>
              <span className="ml-auto tabular-nums">{formatUsd(-o.usageThisMonth.micros)}</span>
            </li>
            {o.entries.map((e) => (
              <li key={e.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 sm:px-5">
                <span className="w-28 text-muted">{formatDate(e.createdAt)}</span>
                <span className="font-medium">{KIND_LABEL[e.kind]}</span>
                <span className="min-w-0 text-muted">{e.description}</span>
                {e.receiptUrl ? (
                  <a
                    href={e.receiptUrl}
                    target="_blank"
                    rel="noreferrer"
                    className="text-accent hover:underline"
                  >
                    Receipt
                  </a>
                ) : null}
                <span
                  className={`ml-auto tabular-nums ${e.amountMicros < 0n ? "text-danger" : "text-success"}`}
                >
                  {e.amountMicros > 0n ? "+" : ""}
                  {formatUsd(e.amountMicros)}
                </span>
              </li>
            ))}
          </ul>
        </Card>

        <Card>
          <CardHeader
            title="Statements"
            description="Monthly statements as CSV: every credit, refund and charge."
          />
          <CardBody>
            <ul className="flex flex-wrap gap-3 text-sm">
              {recentMonths(now).map((m) => (
                <li key={m}>
                  <a
                    href={`/api/workspaces/${ctx.tenant.slug}/billing/statements/${m}`}
                    className="text-accent hover:underline"
                    download
                  >
                    {m}.csv
                  </a>
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
      </div>
    </>
  );
}

function Stat({
  label,
  value,
  testId,
  children,
}: {
  label: string;
  value: string;
  testId?: string;
  children?: React.ReactNode;
}) {
  return (
    <Card>
      <CardBody>
        <p className="text-sm text-muted">{label}</p>
        <p data-testid={testId} className="mt-1 text-2xl font-semibold tabular-nums text-fg">
          {value}
        </p>
        {children ? <p className="mt-1 text-xs text-muted">{children}</p> : null}
      </CardBody>
    </Card>
  );
}
