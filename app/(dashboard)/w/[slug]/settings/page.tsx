import { hasRole } from "@/lib/tenancy/context";
import { PageHeader } from "@/components/ui/card";
import { SettingsPanel } from "@/components/dashboard/settings-panel";
import { WorkspaceSettingsForm } from "@/components/dashboard/workspace-settings-form";
import { currentCatalog } from "@/lib/catalog/deployments";
import { getWorkspaceSettings, timeZoneNames } from "@/lib/tenancy/settings";
import { loadWorkspace } from "../workspace";

export const metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await loadWorkspace(slug);
  const [settings, catalog] = await Promise.all([getWorkspaceSettings(ctx), currentCatalog(ctx.db)]);
  const regions = [
    ...new Set(
      catalog.models.flatMap((m) =>
        m.deployments.map((d) => d.provider.region?.toLowerCase()).filter((r): r is string => !!r),
      ),
    ),
  ];
  return (
    <>
      <PageHeader
        title="Settings"
        description="The workspace's name, time zone, routing constraints and data retention."
      />
      <SettingsPanel
        workspace={ctx.tenant}
        canRename={hasRole(ctx, "admin")}
        canDelete={hasRole(ctx, "owner")}
      >
        <WorkspaceSettingsForm
          slug={ctx.tenant.slug}
          settings={settings}
          canEdit={hasRole(ctx, "admin")}
          timeZones={[...timeZoneNames()].sort()}
          regions={regions}
        />
      </SettingsPanel>
    </>
  );
}
