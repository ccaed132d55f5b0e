// The report range as links (24 h, 7 d, 30 d) and a small GET form for custom days: no client JavaScript, and the
// choice lives in the URL. Other search parameters (group-by, filters) are carried along.
import Link from "next/link";
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
        <label className="text-xs text-muted">
          From
          <input
            type="date"
            name="from"
            defaultValue={range.firstDay}
            required
            className={cn(inputClass, "h-8 w-36")}
          />
        </label>
        <label className="text-xs text-muted">
          To
          <input
            type="date"
            name="to"
            defaultValue={range.lastDay}
            required
            className={cn(inputClass, "h-8 w-36")}
          />
        </label>
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
