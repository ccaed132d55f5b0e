// Report tables: scroll sideways inside their card on narrow screens; numbers right-aligned in tabular figures.
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="overflow-x-auto" role="region" aria-label={label} tabIndex={0}>
      <table className="w-full min-w-[640px] border-collapse text-sm">{children}</table>
    </div>
  );
}

/** What a header and a body cell share: the rule below, the padding, and the wider padding at the row's ends. */
const CELL =
  "border-b border-line px-3 py-2 whitespace-nowrap first:pl-4 last:pr-4 sm:first:pl-5 sm:last:pr-5";

interface CellProps {
  children: ReactNode;
  numeric?: boolean;
  className?: string;
}

export function Th({ children, numeric, className }: CellProps) {
  return (
    <th
      scope="col"
      className={cn(CELL, "text-xs font-medium text-muted", numeric ? "text-right" : "text-left", className)}
    >
      {children}
    </th>
  );
}

export function Td({ children, numeric, className }: CellProps) {
  return <td className={cn(CELL, numeric && "text-right tabular-nums", className)}>{children}</td>;
}
