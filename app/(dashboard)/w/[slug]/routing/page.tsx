import { PageHeader } from "@/components/ui/card";
import { RoutingEditor } from "@/components/routing/routing-editor";
import type { ModelOption, RoutingState } from "@/components/routing/types";
import { currentCatalog } from "@/lib/catalog/deployments";
import { describeWorkspaceRouting } from "@/lib/routing/explain";
import { hasRole } from "@/lib/tenancy/context";
import { loadWorkspace } from "../workspace";

export const metadata = { title: "Routing" };

export default async function RoutingPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await loadWorkspace(slug);
  const [routing, catalog] = await Promise.all([describeWorkspaceRouting(ctx), currentCatalog(ctx.db)]);
  const models: ModelOption[] = catalog.models.map((m) => ({
    name: m.name,
    aliases: m.aliases,
    kind: m.kind,
    deployments: m.deployments.map((d) => ({
      id: d.id,
      provider: d.provider.name,
      upstreamModel: d.upstreamModel,
      region: d.provider.region,
      selector: `${d.provider.name}/${d.upstreamModel}`,
    })),
  }));
  // Plain JSON across the server/client boundary (dates as ISO strings).
  const initial = JSON.parse(
    JSON.stringify({ policy: routing.policy, version: routing.version, versions: routing.versions }),
  ) as RoutingState;

  return (
    <>
      <PageHeader
        title="Routing"
        description="Which deployments serve each model, in what order, and under which constraints. Saved changes apply on every instance within seconds."
      />
      <RoutingEditor
        slug={ctx.tenant.slug}
        canEdit={hasRole(ctx, "admin")}
        models={models}
        initial={initial}
      />
    </>
  );
}
