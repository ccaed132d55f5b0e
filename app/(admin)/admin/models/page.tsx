import Link from "next/link";
import { listModels, listProviders } from "@/lib/admin";
import { CAPABILITIES } from "@/lib/catalog/config";
import { PageHeader } from "@/components/ui/card";
import { ModelsPanel, type ModelRow } from "@/components/admin/models-panel";
import { loadOperator } from "../operator";

export const metadata = { title: "Models & deployments" };

export default async function ModelsPage() {
  const { op } = await loadOperator("/admin/models");
  const [models, providers] = await Promise.all([listModels(op), listProviders(op)]);
  const rows: ModelRow[] = models.map((m) => ({
    id: m.id,
    name: m.name,
    aliases: m.aliases,
    kind: m.kind,
    description: m.description,
    deployments: m.deployments.map((d) => ({
      id: d.id,
      provider: d.provider.name,
      providerEnabled: d.provider.enabled,
      upstreamModel: d.upstreamModel,
      priority: d.priority,
      capabilities: d.capabilities,
      enabled: d.enabled,
    })),
  }));
  return (
    <>
      <PageHeader
        title="Models & deployments"
        description={
          <>
            Public model names clients send, and the provider models that serve them (lower priority is tried
            first). Prices are edited on the{" "}
            <Link href="/admin/prices" className="text-accent underline-offset-2 hover:underline">
              Prices
            </Link>{" "}
            page.
          </>
        }
      />
      <ModelsPanel
        models={rows}
        providers={providers.map((p) => ({ id: p.id, name: p.name }))}
        capabilities={[...CAPABILITIES]}
      />
    </>
  );
}
