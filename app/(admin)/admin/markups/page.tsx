// Operator console: markups. The platform default, workspaces' own markups and per-model overrides (platform-wide
// or per workspace). Precedence: workspace + model > workspace > platform + model > platform default.
// Platform admins only (404 for anyone else).
import { getDb } from "@/lib/db/client";
import { listMarkups } from "@/lib/billing/markups";
import { requireOperatorPage } from "@/lib/http/with-operator";
import { PageHeader } from "@/components/ui/card";
import { MarkupsPanel } from "@/components/admin/markups-panel";

export const metadata = { title: "Markups" };
export const dynamic = "force-dynamic";

export default async function MarkupsPage() {
  const db = await getDb();
  await requireOperatorPage(db);
  const [m, models] = await Promise.all([
    listMarkups(db),
    db.model.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
  ]);
  return (
    <main className="mx-auto max-w-6xl px-4 py-6 sm:px-6 md:py-10">
      <PageHeader
        title="Markups"
        description="What workspaces pay over provider cost, in basis points (1000 = 10%). The most specific markup wins: workspace + model, then workspace, then platform + model, then the platform default."
      />
      <MarkupsPanel
        platformDefaultBps={m.platformDefaultBps}
        workspaces={m.workspaces.map((w) => ({ slug: w.slug, name: w.name, bps: w.markupBps }))}
        overrides={m.models.map((o) => ({
          id: o.id,
          model: o.model.name,
          workspace: o.tenant?.slug ?? null,
          bps: o.markupBps,
        }))}
        models={models.map((x) => x.name)}
      />
    </main>
  );
}
