"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

// Prices and Markups are pages of their own (the price book and markup editors).
const ITEMS = [
  { href: "/admin/providers", label: "Providers" },
  { href: "/admin/models", label: "Models & deployments" },
  { href: "/admin/prices", label: "Prices" },
  { href: "/admin/markups", label: "Markups" },
  { href: "/admin/workspaces", label: "Workspaces" },
  { href: "/admin/routing", label: "Routing default" },
  { href: "/admin/settings", label: "Billing settings" },
  { href: "/admin/audit", label: "Audit log" },
];

export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav
      aria-label="Operator console"
      className="flex gap-1 overflow-x-auto px-3 pt-2 pb-2 md:flex-col md:overflow-visible md:px-3 md:pt-4"
    >
      {ITEMS.map((item) => {
        const active = pathname === item.href || pathname.startsWith(item.href + "/");
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex shrink-0 items-center rounded-md px-3 py-2 text-sm font-medium transition-colors",
              active ? "bg-accent-soft text-accent" : "text-muted hover:bg-subtle hover:text-fg",
            )}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
