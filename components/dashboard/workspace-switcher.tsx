"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import type { Role } from "@/lib/tenancy/context";
import { cn } from "@/components/ui/cn";

export interface WorkspaceItem {
  slug: string;
  name: string;
  role: Role;
}

function Initial({ name }: { name: string }) {
  return (
    <span
      aria-hidden="true"
      className="flex h-7 w-7 shrink-0 items-center justify-center rounded-md bg-accent-soft text-xs font-semibold text-accent uppercase"
    >
      {name.trim().charAt(0) || "W"}
    </span>
  );
}

/** The current workspace; opens a list of the user's workspaces and a link to create another. */
export function WorkspaceSwitcher({ current, workspaces }: { current: WorkspaceItem; workspaces: WorkspaceItem[] }) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div ref={rootRef} className="relative">
      <button
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((o) => !o)}
        className="flex w-full items-center gap-2.5 rounded-md border border-line bg-bg px-2.5 py-2 text-left hover:bg-subtle focus-visible:outline-2 focus-visible:outline-accent"
      >
        <Initial name={current.name} />
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-medium" data-testid="current-workspace">
            {current.name}
          </span>
          <span className="block text-xs text-muted capitalize">{current.role}</span>
        </span>
        <svg viewBox="0 0 20 20" className="h-4 w-4 text-muted" fill="currentColor" aria-hidden="true">
          <path d="M7 7l3-3 3 3H7zm0 6h6l-3 3-3-3z" />
        </svg>
        <span className="sr-only">Switch workspace</span>
      </button>
      {open ? (
        <div
          id={menuId}
          className="absolute inset-x-0 top-full z-30 mt-1 overflow-hidden rounded-md border border-line bg-surface shadow-lg"
        >
          <p className="px-3 pt-2 pb-1 text-xs font-medium text-muted">Workspaces</p>
          <ul className="max-h-72 overflow-y-auto pb-1">
            {workspaces.map((w) => (
              <li key={w.slug}>
                <Link
                  href={`/w/${w.slug}`}
                  onClick={() => setOpen(false)}
                  aria-current={w.slug === current.slug ? "true" : undefined}
                  className={cn(
                    "flex items-center gap-2.5 px-3 py-2 text-sm hover:bg-subtle",
                    w.slug === current.slug && "font-medium text-accent",
                  )}
                >
                  <Initial name={w.name} />
                  <span className="min-w-0 flex-1 truncate">{w.name}</span>
                  <span className="text-xs text-muted capitalize">{w.role}</span>
                </Link>
              </li>
            ))}
          </ul>
          <div className="border-t border-line p-1">
            <Link
              href="/workspaces/new"
              onClick={() => setOpen(false)}
              className="flex items-center gap-2 rounded px-2 py-2 text-sm font-medium text-accent hover:bg-subtle"
            >
              <span aria-hidden="true" className="flex h-7 w-7 items-center justify-center text-lg">
                +
              </span>
              Create workspace
            </Link>
          </div>
        </div>
      ) : null}
    </div>
  );
}
