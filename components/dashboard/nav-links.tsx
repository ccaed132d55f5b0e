"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

// Later issues add Usage, Billing and Routing here.
const ITEMS = [
  { href: "", label: "Overview", icon: "M3 12l9-8 9 8M5 10v10h5v-6h4v6h5V10" },
  { href: "/usage", label: "Usage", icon: "M4 20V10M10 20V4M16 20v-7M22 20H2" },
  { href: "/requests", label: "Requests", icon: "M4 6h16M4 12h16M4 18h10" },
  { href: "/keys", label: "API keys", icon: "M15 7a4 4 0 11-3.9 4.9L3 20v-3h2v-2h2l1.1-1.1A4 4 0 0115 7z" },
  { href: "/routing", label: "Routing", icon: "M6 3v12M18 9a3 3 0 100-6 3 3 0 000 6zM6 21a3 3 0 100-6 3 3 0 000 6zM18 9a9 9 0 01-9 9" },
  { href: "/providers", label: "Providers", icon: "M22 12h-4l-3 9L9 3l-3 9H2" },
  { href: "/billing", label: "Billing", icon: "M3 7h18v10H3zM3 11h18M7 15h3" },
  { href: "/members", label: "Members", icon: "M16 19v-1a4 4 0 00-4-4H7a4 4 0 00-4 4v1M9.5 10a3 3 0 100-6 3 3 0 000 6zM21 19v-1a4 4 0 00-3-3.9M15.5 4.1a3 3 0 010 5.8" },
  { href: "/settings", label: "Settings", icon: "M12 15a3 3 0 100-6 3 3 0 000 6zM19.4 15a1.7 1.7 0 00.3 1.8l.1.1a2 2 0 11-2.8 2.8l-.1-.1a1.7 1.7 0 00-1.8-.3 1.7 1.7 0 00-1 1.5V21a2 2 0 11-4 0v-.1a1.7 1.7 0 00-1.1-1.5 1.7 1.7 0 00-1.8.3l-.1.1a2 2 0 11-2.8-2.8l.1-.1a1.7 1.7 0 00.3-1.8 1.7 1.7 0 00-1.5-1H3a2 2 0 110-4h.1a1.7 1.7 0 001.5-1.1 1.7 1.7 0 00-.3-1.8l-.1-.1a2 2 0 112.8-2.8l.1.1a1.7 1.7 0 001.8.3H9a1.7 1.7 0 001-1.5V3a2 2 0 114 0v.1a1.7 1.7 0 001 1.5 1.7 1.7 0 001.8-.3l.1-.1a2 2 0 112.8 2.8l-.1.1a1.7 1.7 0 00-.3 1.8V9a1.7 1.7 0 001.5 1H21a2 2 0 110 4h-.1a1.7 1.7 0 00-1.5 1z" },
];

export function NavLinks({ slug }: { slug: string }) {
  const pathname = usePathname();
  const base = `/w/${slug}`;
  return (
    <nav
      aria-label="Workspace"
      className="flex gap-1 overflow-x-auto px-3 pt-2 pb-2 md:flex-col md:overflow-visible md:px-3 md:pt-4"
    >
      {ITEMS.map((item) => {
        const href = base + item.href;
        const active = item.href === "" ? pathname === base : pathname === href || pathname.startsWith(href + "/");
        return (
          <Link
            key={item.label}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex shrink-0 items-center gap-2.5 rounded-md px-3 py-2 text-sm font-medium transition-colors",
              active ? "bg-accent-soft text-accent" : "text-muted hover:bg-subtle hover:text-fg",
            )}
          >
            <svg
              viewBox="0 0 24 24"
              className="hidden h-4 w-4 md:block"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.8"
              strokeLinecap="round"
              strokeLinejoin="round"
              aria-hidden="true"
            >
              <path d={item.icon} />
            </svg>
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
