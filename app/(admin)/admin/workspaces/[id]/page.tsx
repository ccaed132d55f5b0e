import Link from "next/link";
import { notFound } from "next/navigation";
import { getWorkspaceDetail } from "@/lib/admin";
import { formatUsd } from "@/lib/billing/ledger";
import { AppError } from "@/lib/errors";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader, PageHeader } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { CreditForm } from "@/components/admin/credit-form";
import { loadOperator } from "../../operator";

export const metadata = { title: "Workspace" };

async function load(id: string) {
  const { op } = await loadOperator(`/admin/workspaces/${id}`);
  try {
    return await getWorkspaceDetail(op, id);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
}

export default async function WorkspaceDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const w = await load(id);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/workspaces" className="text-muted hover:text-fg">
          ← Workspaces
        </Link>
      </p>
      <PageHeader title={w.name} description={`${w.slug} · ${w.id}`} />
      <div className="space-y-6">
        <div className="grid gap-4 sm:grid-cols-3">
          <Stat label="Balance" value={formatUsd(w.balanceMicros)} testId="detail-balance" />
          <Stat label="Reserved by relay instances" value={formatUsd(w.reservedMicros)} />
          <Stat label="Spend this month (UTC)" value={formatUsd(w.spendThisMonthMicros)} />
        </div>

        <Card>
          <CardHeader
            title="Grant or adjust credit"
            description="Posts one ledger entry. A negative adjustment takes credit away; a grant is promotional credit."
          />
          <CardBody>
            <CreditForm tenantId={w.id} />
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Recent ledger entries" description="Newest first, up to 50." />
          {w.entries.length === 0 ? (
            <CardBody>
              <p className="text-sm text-muted">No entries yet.</p>
            </CardBody>
          ) : (
            <ul className="divide-y divide-line">
              {w.entries.map((e) => (
                <li
                  key={e.id}
                  data-testid="ledger-entry"
                  className="flex flex-wrap items-center justify-between gap-2 px-4 py-2.5 text-sm sm:px-5"
                >
                  <div className="min-w-0">
                    <p className="flex items-center gap-2">
                      <Badge tone={e.amountMicros < 0n ? "danger" : "success"}>{e.kind}</Badge>
                      <span className="truncate">{e.description}</span>
                    </p>
                    <p className="text-xs text-muted">{formatDateTime(e.createdAt)}</p>
                  </div>
                  <span className="font-medium tabular-nums">{formatUsd(e.amountMicros, 6)}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card>
          <CardHeader title="Members" description={`${w.memberships.length}`} />
          <ul className="divide-y divide-line">
            {w.memberships.map((m) => (
              <li
                key={m.user.id}
                className="flex items-center justify-between gap-2 px-4 py-2.5 text-sm sm:px-5"
              >
                <span className="min-w-0 truncate">{m.user.email}</span>
                <Badge>{m.role}</Badge>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Card>
      <CardBody>
        <p className="text-xs text-muted">{label}</p>
        <p className="mt-1 text-xl font-semibold tabular-nums" data-testid={testId}>
          {value}
        </p>
      </CardBody>
    </Card>
  );
}
