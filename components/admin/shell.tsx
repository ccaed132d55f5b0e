import Link from "next/link";
import type { ReactNode } from "react";
import { AppShell } from "@/components/dashboard/app-shell";
import { AdminNav } from "./nav";

/** The operator console's frame: the dashboard's (sidebar on wide screens, scrolling tabs on phones). */
export function AdminShell({
  user,
  children,
}: {
  user: { email: string; name: string | null };
  children: ReactNode;
}) {
  return (
    <AppShell
      user={user}
      logoHref="/admin"
      wide
      sidebar={
        <>
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
        </>
      }
    >
      {children}
    </AppShell>
  );
}
