import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/logo";
import { NavLinks } from "./nav-links";
import { SignOutButton } from "./sign-out-button";
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
    <div className="min-h-screen md:flex">
      <aside className="z-20 border-b border-line bg-surface md:sticky md:top-0 md:flex md:h-screen md:w-64 md:shrink-0 md:flex-col md:border-r md:border-b-0">
        <div className="flex items-center justify-between gap-3 px-4 pt-3 md:px-5 md:pt-5">
          <Logo href="/dashboard" />
          <div className="md:hidden">
            <SignOutButton compact />
          </div>
        </div>
        <div className="px-4 pt-3 md:px-3 md:pt-5">
          <WorkspaceSwitcher current={current} workspaces={workspaces} />
        </div>
        <NavLinks slug={current.slug} />
        {isPlatformAdmin ? (
          <div className="px-4 pb-2 md:px-6 md:pt-2">
            <Link href="/admin" className="text-xs font-medium text-warn underline-offset-2 hover:underline">
              Operator console
            </Link>
          </div>
        ) : null}
        <div className="mt-auto hidden border-t border-line p-4 md:block">
          <div className="min-w-0">
            {user.name ? <p className="truncate text-sm font-medium">{user.name}</p> : null}
            <p className="truncate text-xs text-muted" title={user.email}>
              {user.email}
            </p>
          </div>
          <div className="mt-3">
            <SignOutButton />
          </div>
        </div>
      </aside>
      <main className="min-w-0 flex-1">
        <div className="mx-auto max-w-5xl px-4 py-6 sm:px-6 md:px-10 md:py-10">{children}</div>
      </main>
    </div>
  );
}
