import Link from "next/link";
import { listAuditActions, listAuditPage } from "@/lib/admin";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader, PageHeader } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { formatDateTime } from "@/components/ui/format";
import { loadOperator } from "../operator";

export const metadata = { title: "Audit log" };

type Search = { workspace?: string; action?: string; cursor?: string };

function query(s: Search): string {
  const q = new URLSearchParams(Object.entries(s).filter(([, v]) => v) as [string, string][]);
  return q.size ? `?${q}` : "";
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { op } = await loadOperator("/admin/audit");
  const s = await searchParams;
  const [page, actions] = await Promise.all([
    listAuditPage(op, { workspace: s.workspace, action: s.action, cursor: s.cursor }),
    listAuditActions(op),
  ]);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every admin and billing action: who, what, on which workspace."
      />
      <Card>
        <CardHeader
          title="Filter"
          actions={
            s.workspace || s.action || s.cursor ? (
              <ButtonLink href="/admin/audit" size="sm" variant="ghost">
                Clear
              </ButtonLink>
            ) : null
          }
        />
        <CardBody>
          <form
            action="/admin/audit"
            className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-end"
          >
            <Field id="audit-ws" label="Workspace (slug or id)">
              <Input id="audit-ws" name="workspace" defaultValue={s.workspace} />
            </Field>
            <Field id="audit-action" label="Action">
              <Select id="audit-action" name="action" defaultValue={s.action ?? ""}>
                <option value="">All actions</option>
                {[...new Set(actions.map((a) => `${a.split(".")[0]}.`))].map((prefix) => (
                  <option key={prefix} value={prefix}>
                    {prefix}*
                  </option>
                ))}
                {actions.map((a) => (
                  <option key={a}>{a}</option>
                ))}
              </Select>
            </Field>
            <Button type="submit" variant="secondary">
              Apply
            </Button>
          </form>
        </CardBody>
      </Card>

      <Card className="mt-6">
        <CardHeader title="Entries" description="Newest first." />
        {page.rows.length === 0 ? (
          <CardBody>
            <p className="text-sm text-muted">
              Nothing recorded{s.workspace || s.action ? " for this filter" : " yet"}.
            </p>
          </CardBody>
        ) : (
          <ul className="divide-y divide-line">
            {page.rows.map((r) => (
              <li key={r.id} data-testid="audit-row" className="space-y-1 px-4 py-3 text-sm sm:px-5">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <code className="font-mono text-xs font-semibold" data-testid="audit-action">
                    {r.action}
                  </code>
                  <span className="text-xs text-muted">{formatDateTime(r.createdAt)}</span>
                </div>
                <p className="text-muted">
                  {r.actor ?? "operator (CLI) or system"}
                  {r.workspace ? (
                    <>
                      {" · "}
                      <Link href={`/admin/workspaces/${r.tenantId}`} className="text-accent hover:underline">
                        {r.workspace}
                      </Link>
                    </>
                  ) : null}
                  {r.target ? <span className="break-all"> · {r.target}</span> : null}
                </p>
                {r.details ? (
                  <pre className="overflow-x-auto rounded bg-subtle px-2 py-1 font-mono text-xs text-muted">
                    {JSON.stringify(r.details)}
                  </pre>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {page.nextCursor ? (
          <CardBody className="border-t border-line">
            <Link
              href={`/admin/audit${query({ ...s, cursor: page.nextCursor })}`}
              className="text-sm font-medium text-accent hover:underline"
            >
              Older entries →
            </Link>
          </CardBody>
        ) : null}
      </Card>
    </>
  );
}
