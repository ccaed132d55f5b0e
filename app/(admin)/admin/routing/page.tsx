import { getPlatformRouting } from "@/lib/admin";
import { PageHeader } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { RoutingDefaultEditor } from "@/components/admin/routing-default-editor";
import { loadOperator } from "../operator";

export const metadata = { title: "Routing default" };

export default async function RoutingDefaultPage() {
  const { op } = await loadOperator("/admin/routing");
  const r = await getPlatformRouting(op);
  return (
    <>
      <PageHeader
        title="Routing default"
        description="The platform's routing policy: applies where a workspace has no rule of its own; its regions always apply. Every save is a new version."
      />
      <RoutingDefaultEditor
        initial={JSON.stringify(r.policy ?? r.fallback, null, 2)}
        saved={r.policy !== null}
        versions={r.versions.map((v) => ({
          version: v.version,
          at: formatDateTime(v.createdAt),
          by: v.createdBy ?? "operator (CLI)",
          note: v.note,
          document: JSON.stringify(v.document, null, 2),
        }))}
      />
    </>
  );
}
