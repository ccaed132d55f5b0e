import type { ReactNode } from "react";
import { isPlatformAdmin } from "@/lib/admin/operator";
import { getDb } from "@/lib/db/client";
import { listWorkspacesForUser } from "@/lib/tenancy/workspaces";
import { DashboardShell } from "@/components/dashboard/shell";
import { loadWorkspace } from "./workspace";

export default async function WorkspaceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  const { user, ctx } = await loadWorkspace(slug);
  const db = await getDb();
  const [workspaces, platformAdmin] = await Promise.all([
    listWorkspacesForUser(db, user.id),
    isPlatformAdmin(db, user.id),
  ]);
  return (
    <DashboardShell
      user={user}
      current={{ slug: ctx.tenant.slug, name: ctx.tenant.name, role: ctx.role }}
      workspaces={workspaces.map((w) => ({ slug: w.slug, name: w.name, role: w.role }))}
      isPlatformAdmin={platformAdmin}
    >
      {children}
    </DashboardShell>
  );
}
