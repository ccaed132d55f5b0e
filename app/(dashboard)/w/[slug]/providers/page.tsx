import { PageHeader } from "@/components/ui/card";
import { ProvidersPanel } from "@/components/providers/providers-panel";
import { listWorkspaceDeployments } from "@/lib/catalog/deployments";
import { loadWorkspace } from "../workspace";

export const metadata = { title: "Providers" };

export default async function ProvidersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await loadWorkspace(slug);
  const initial = JSON.parse(JSON.stringify(await listWorkspaceDeployments(ctx)));
  return (
    <>
      <PageHeader
        title="Providers & health"
        description="The deployments this workspace can route to, their prices in force and their live health."
      />
      <ProvidersPanel slug={ctx.tenant.slug} initial={initial} />
    </>
  );
}
