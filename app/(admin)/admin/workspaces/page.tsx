import Link from "next/link";
import { listWorkspaceOverview } from "@/lib/admin";
import { formatUsd } from "@/lib/billing/ledger";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader, PageHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/field";
import { formatDate, formatRelative } from "@/components/ui/format";
import { loadOperator } from "../operator";

export const metadata = { title: "Workspaces" };

const COLS = "md:grid-cols-[minmax(0,2fr)_4.5rem_6.5rem_6.5rem_8rem_7rem]";

/** A number cell: right-aligned in the table, labelled on phones. */
function Num({ label, testId, children }: { label: string; testId?: string; children: React.ReactNode }) {
  return (
    <span className="flex justify-between gap-2 tabular-nums md:block md:text-right">
      <span className="text-xs text-muted md:hidden">{label}</span>
      <span data-testid={testId}>{children}</span>
    </span>
  );
}

export default async function WorkspacesPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const { op } = await loadOperator("/admin/workspaces");
  const { q } = await searchParams;
  const rows = await listWorkspaceOverview(op, { q });
  const now = new Date();
  return (
    <>
      <PageHeader
        title="Workspaces"
        description="Every workspace with its credit and this month's spend (UTC). Open one to grant or adjust credit."
      />
      <Card>
        <CardHeader
          title={q ? `Matching “${q}”` : "All workspaces"}
          description={`${rows.length} shown (newest first, at most 100)`}
          actions={
            <form role="search" className="flex gap-2" action="/admin/workspaces">
              <label htmlFor="ws-q" className="sr-only">
                Search workspaces
              </label>
              <Input id="ws-q" name="q" defaultValue={q} placeholder="Name or slug" className="h-8 w-44" />
              <Button type="submit" size="sm" variant="secondary">
                Search
              </Button>
            </form>
          }
        />
        {rows.length === 0 ? (
          <CardBody>
            <p className="text-sm text-muted">No workspaces{q ? " match" : " yet"}.</p>
          </CardBody>
        ) : (
          <div>
            <div
              aria-hidden="true"
              className={`hidden gap-3 border-b border-line px-5 py-2 text-xs font-medium text-muted md:grid ${COLS}`}
            >
              <span>Workspace</span>
              <span className="text-right">Members</span>
              <span className="text-right">Balance</span>
              <span className="text-right">Reserved</span>
              <span className="text-right">Spend this month</span>
              <span>Last activity</span>
            </div>
            <ul className="divide-y divide-line">
              {rows.map((w) => (
                <li
                  key={w.id}
                  data-testid="workspace-row"
                  className={`grid grid-cols-2 gap-x-3 gap-y-1 px-4 py-3 text-sm sm:px-5 md:items-center ${COLS}`}
                >
                  <div className="col-span-2 min-w-0 md:col-span-1">
                    <Link
                      href={`/admin/workspaces/${w.id}`}
                      className="font-medium text-accent hover:underline"
                    >
                      {w.name}
                    </Link>
                    <p className="truncate text-xs text-muted">
                      {w.slug} · since {formatDate(w.createdAt)}
                    </p>
                  </div>
                  <Num label="Members">{w.members}</Num>
                  <Num label="Balance" testId="workspace-balance">
                    {formatUsd(w.balanceMicros)}
                  </Num>
                  <Num label="Reserved">{formatUsd(w.reservedMicros)}</Num>
                  <Num label="Spend this month">{formatUsd(w.spendThisMonthMicros)}</Num>
                  <span className="col-span-2 text-muted md:col-span-1">
                    <span className="text-xs md:hidden">Last activity: </span>
                    {formatRelative(w.lastActivityAt, now)}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </Card>
    </>
  );
}
