import { listProviders } from "@/lib/admin";
import { VENDORS } from "@/lib/gateway/providers/vendors";
import { PageHeader } from "@/components/ui/card";
import { ProvidersPanel, type ProviderRow } from "@/components/admin/providers-panel";
import { loadOperator } from "../operator";

export const metadata = { title: "Providers" };

export default async function ProvidersPage() {
  const { op } = await loadOperator("/admin/providers");
  const rows: ProviderRow[] = (await listProviders(op)).map((p) => ({
    id: p.id,
    name: p.name,
    protocol: p.protocol,
    vendor: p.vendor,
    baseUrl: p.baseUrl,
    region: p.region,
    enabled: p.enabled,
    noDataRetention: p.noDataRetention,
    isDemo: p.isDemo,
    keySet: p.keySet,
    deployments: p.deployments,
  }));
  return (
    <>
      <PageHeader
        title="Providers"
        description="Upstream accounts the relay calls. Keys are encrypted at rest and can only be replaced, never read back."
      />
      <ProvidersPanel providers={rows} vendors={Object.keys(VENDORS)} />
    </>
  );
}
