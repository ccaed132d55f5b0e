import { hasRole } from "@/lib/tenancy/context";
import { PageHeader } from "@/components/ui/card";
import { SettingsPanel } from "@/components/dashboard/settings-panel";
import { loadWorkspace } from "../workspace";

export const metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await loadWorkspace(slug);
  return (
    <>
      <PageHeader title="Settings" description="The workspace's name and identifiers." />
      <SettingsPanel
        workspace={ctx.tenant}
        canRename={hasRole(ctx, "admin")}
        canDelete={hasRole(ctx, "owner")}
      />
    </>
  );
}
