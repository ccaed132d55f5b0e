// Loading placeholders with the same fixed heights as the content they stand for (no layout shift).
export function ReportSkeleton({
  kpis = 0,
  charts = 0,
  table = false,
}: {
  kpis?: number;
  charts?: number;
  table?: boolean;
}) {
  return (
    <div className="animate-pulse space-y-6" aria-busy="true" aria-label="Loading">
      <div className="h-8 w-48 rounded bg-subtle" />
      <div className="h-[4.5rem] w-full max-w-xl rounded bg-subtle" />
      {kpis > 0 ? (
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-3">
          {Array.from({ length: kpis }, (_, i) => (
            <div key={i} className="h-[92px] rounded-lg border border-line bg-surface" />
          ))}
        </div>
      ) : null}
      {charts > 0 ? (
        <div className="grid gap-6 lg:grid-cols-2">
          {Array.from({ length: charts }, (_, i) => (
            <div key={i} className="h-[21rem] rounded-lg border border-line bg-surface" />
          ))}
        </div>
      ) : null}
      {table ? <div className="h-96 rounded-lg border border-line bg-surface" /> : null}
    </div>
  );
}
