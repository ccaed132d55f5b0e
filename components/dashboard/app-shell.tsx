// The frame the dashboard and the operator console share: a sidebar on wide screens, a top bar on phones.
import type { ReactNode } from "react";
import { Logo } from "@/components/logo";
import { SignOutButton } from "./sign-out-button";

/**
 * The logo (and a compact sign-out on phones) on top, then `sidebar`, then the account at the foot on wide
 * screens; the page beside it. `wide` gives the page a wider column (the console's tables).
 */
export function AppShell({
  user,
  logoHref,
  wide = false,
  sidebar,
  children,
}: {
  user: { email: string; name: string | null };
  logoHref: string;
  wide?: boolean;
  sidebar: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="min-h-screen md:flex">
      <aside className="z-20 border-b border-line bg-surface md:sticky md:top-0 md:flex md:h-screen md:w-64 md:shrink-0 md:flex-col md:border-r md:border-b-0">
        <div className="flex items-center justify-between gap-3 px-4 pt-3 md:px-5 md:pt-5">
          <Logo href={logoHref} />
          <div className="md:hidden">
            <SignOutButton compact />
          </div>
        </div>
        {sidebar}
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
        <div className={`mx-auto ${wide ? "max-w-6xl" : "max-w-5xl"} px-4 py-6 sm:px-6 md:px-10 md:py-10`}>
          {children}
        </div>
      </main>
    </div>
  );
}
