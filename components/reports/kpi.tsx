import { cn } from "@/components/ui/cn";
import { formatChange } from "./format";

/**
 * One headline number with its change against the previous period. `goodWhen` says which direction is good
 * (more requests: up; more errors or latency: down; spend: neither).
 */
export function Kpi({
  label,
  value,
  change,
  note,
  goodWhen = "neutral",
  testId,
}: {
  label: string;
  value: string;
  change?: number | null;
  note?: string;
  goodWhen?: "up" | "down" | "neutral";
  testId?: string;
}) {
  const text = change === undefined ? null : formatChange(change);
  const tone =
    !change || goodWhen === "neutral"
      ? "text-muted"
      : change > 0 === (goodWhen === "up")
        ? "text-success"
        : "text-danger";
  return (
    <div className="min-h-[92px] rounded-lg border border-line bg-surface px-4 py-3" data-testid={testId}>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="mt-1 truncate text-xl font-semibold tabular-nums">{value}</dd>
      <dd className="mt-0.5 truncate text-xs text-muted">
        {text !== null ? (
          <>
            <span className={cn("font-medium", tone)}>{text}</span>{" "}
            <span className="sr-only">compared with the previous period</span>
            {note ? <span> {note}</span> : null}
          </>
        ) : change === null && !note ? (
          "no previous data"
        ) : (
          note
        )}
      </dd>
    </div>
  );
}
