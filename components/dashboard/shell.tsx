import Link from "next/link";
import type { ReactNode } from "react";
import { NavLinks } from "./nav-links";
import { AppShell } from "./app-shell";
import { WorkspaceSwitcher, type WorkspaceItem } from "./workspace-switcher";

/**
 * The dashboard frame: a sidebar on wide screens (workspace switcher, navigation, account), a top bar with
 * scrolling tabs on phones. The navigation is rendered once and restyled, so there is a single <nav>.
 */
export function DashboardShell({
  user,
  current,
  workspaces,
  isPlatformAdmin = false,
  children,
}: {
  user: { email: string; name: string | null };
  current: WorkspaceItem;
  workspaces: WorkspaceItem[];
  /** Shows the link to the operator console (platform admins only). */
  isPlatformAdmin?: boolean;
  children: ReactNode;
}) {
  return (
    <AppShell
      user={user}
      logoHref="/dashboard"
      sidebar={
        <>
          <div className="px-4 pt-3 md:px-3 md:pt-5">
            <WorkspaceSwitcher current={current} workspaces={workspaces} />
          </div>
          <NavLinks slug={current.slug} />
          {isPlatformAdmin ? (
            <div className="px-4 pb-2 md:px-6 md:pt-2">
              <Link
                href="/admin"
                className="text-xs font-medium text-warn underline-offset-2 hover:underline"
              >
                Operator console
              </Link>
            </div>
          ) : null}
        </>
      }
    >
      {children}
    </AppShell>
  );
}
