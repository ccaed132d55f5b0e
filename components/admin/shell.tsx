import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/logo";
import { SignOutButton } from "@/components/dashboard/sign-out-button";
import { AdminNav } from "./nav";

/** The operator console's frame: like the dashboard's (sidebar on wide screens, scrolling tabs on phones). */
export function AdminShell({
  user,
  children,
}: {
  user: { email: string; name: string | null };
  children: ReactNode;
}) {
  return (
    <div className="min-h-screen md:flex">
      <aside className="z-20 border-b border-line bg-surface md:sticky md:top-0 md:flex md:h-screen md:w-64 md:shrink-0 md:flex-col md:border-r md:border-b-0">
        <div className="flex items-center justify-between gap-3 px-4 pt-3 md:px-5 md:pt-5">
          <Logo href="/admin" />
          <div className="md:hidden">
            <SignOutButton compact />
          </div>
        </div>
        <div className="flex items-center justify-between gap-2 px-4 pt-3 md:block md:px-5 md:pt-4">
          <p className="text-xs font-semibold tracking-wide text-warn uppercase">Operator console</p>
          <Link
            href="/dashboard"
            className="text-xs text-muted underline-offset-2 hover:text-fg hover:underline md:mt-1 md:block"
          >
            ← Back to workspaces
          </Link>
        </div>
        <AdminNav />
        <div className="mt-auto hidden border-t border-line p-4 md:block">
          {user.name ? <p className="truncate text-sm font-medium">{user.name}</p> : null}
          <p className="truncate text-xs text-muted" title={user.email}>
            {user.email}
          </p>
          <div className="mt-3">
            <SignOutButton />
          </div>
        </div>
      </aside>
      <main className="min-w-0 flex-1">
        <div className="mx-auto max-w-6xl px-4 py-6 sm:px-6 md:px-10 md:py-10">{children}</div>
      </main>
    </div>
  );
}
