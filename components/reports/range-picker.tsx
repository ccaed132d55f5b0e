// The report range as links (24 h, 7 d, 30 d) and a small GET form for custom days: no client JavaScript, and the
// choice lives in the URL. Other search parameters (group-by, filters) are carried along.
import Link from "next/link";
import type { ComponentProps } from "react";
import { cn } from "@/components/ui/cn";
import { inputClass } from "@/components/ui/field";
import { buttonClass } from "@/components/ui/button";
import type { ResolvedRange } from "@/lib/reports/range";
import { queryString } from "@/lib/reports/params";

const PRESETS = [
  { key: "24h", label: "24 hours" },
  { key: "7d", label: "7 days" },
  { key: "30d", label: "30 days" },
] as const;

export function RangePicker({
  path,
  range,
  keep = {},
}: {
  path: string;
  range: ResolvedRange;
  keep?: Record<string, string | undefined>;
}) {
  return (
    <div className="flex flex-wrap items-end gap-3" data-testid="range-picker">
      <div
        role="group"
        aria-label="Range"
        className="inline-flex rounded-md border border-line bg-surface p-0.5"
      >
        {PRESETS.map((p) => (
          <Link
            key={p.key}
            href={`${path}${queryString({ ...keep, range: p.key })}`}
            aria-current={range.key === p.key ? "true" : undefined}
            className={cn(
              "rounded px-3 py-1.5 text-sm font-medium",
              range.key === p.key ? "bg-accent-soft text-accent" : "text-muted hover:text-fg",
            )}
          >
            {p.label}
          </Link>
        ))}
      </div>
      <form method="get" action={path} className="flex flex-wrap items-end gap-2" aria-label="Custom range">
        {Object.entries(keep).map(([k, v]) =>
          v ? <input key={k} type="hidden" name={k} value={v} /> : null,
        )}
        <input type="hidden" name="range" value="custom" />
        <DayInput label="From" name="from" defaultValue={range.firstDay} required />
        <DayInput label="To" name="to" defaultValue={range.lastDay} required />
        <button type="submit" className={buttonClass(range.key === "custom" ? "primary" : "secondary", "sm")}>
          Apply
        </button>
      </form>
      <p className="w-full text-xs text-muted">
        {range.firstDay === range.lastDay ? range.firstDay : `${range.firstDay} – ${range.lastDay}`} · times
        in {range.timeZone}
      </p>
    </div>
  );
}

/** A day (<input type="date">) inside its label, sized for a filter bar. */
export function DayInput({ label, className, ...input }: { label: string } & ComponentProps<"input">) {
  return (
    <label className="text-xs text-muted">
      {label}
      <input type="date" className={cn(inputClass, "h-8 w-36", className)} {...input} />
    </label>
  );
}

/** Why a report shows the last 7 days instead of the range the URL asked for (see withRangeFallback). */
export function RangeFallbackNote({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="text-sm text-danger" data-testid="form-error">
      {message} Showing the last 7 days.
    </p>
  );
}
