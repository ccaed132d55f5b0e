"use client";
// The report charts (recharts 3): each fills a fixed-height parent (no layout shift while it measures) and draws
// without animation (stable screenshots, less CPU). Values arrive ready to plot; `format` names how to show them.
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatBucket } from "@/components/reports/format";
import { seriesColor } from "./palette";

export type ValueFormat = "usd" | "count" | "ms";

export interface ChartSeries {
  key: string;
  label: string;
  color?: string;
}

function formatValue(v: unknown, format: ValueFormat): string {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n)) return "—";
  if (format === "usd")
    return n === 0 ? "$0" : n < 0.01 ? `$${n.toFixed(6)}` : `$${n.toFixed(n < 1 ? 4 : 2)}`;
  if (format === "ms") return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
  return new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(n);
}

const AXIS = { fill: "currentColor", fontSize: 11 };
const TOOLTIP_STYLE = {
  background: "var(--color-surface)",
  border: "1px solid var(--color-line)",
  borderRadius: 6,
  color: "var(--color-fg)",
  fontSize: 12,
};

function Frame({ label, children }: { label: string; children: React.ReactElement }) {
  return (
    <div className="h-64 w-full text-muted" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  );
}

interface ChartProps<Row> {
  label: string;
  data: Row[];
  series: ChartSeries[];
  format: ValueFormat;
}

/** The grid, axes, tooltip and legend both charts draw, then one Bar (stacked) or Line per series. */
function SeriesChart({
  kind,
  label,
  data,
  series,
  format,
}: ChartProps<Record<string, number | string | null>> & { kind: "bar" | "line" }) {
  const Chart = kind === "bar" ? BarChart : LineChart;
  return (
    <Frame label={label}>
      <Chart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeOpacity={0.15} stroke="currentColor" vertical={false} />
        <XAxis
          dataKey="bucket"
          tickFormatter={formatBucket}
          tick={AXIS}
          stroke="currentColor"
          strokeOpacity={0.3}
          minTickGap={16}
        />
        <YAxis
          tickFormatter={(v) => formatValue(v, format)}
          tick={AXIS}
          stroke="currentColor"
          strokeOpacity={0.3}
          width={56}
        />
        <Tooltip
          contentStyle={TOOLTIP_STYLE}
          {...(kind === "bar" ? { cursor: { fill: "currentColor", fillOpacity: 0.06 } } : {})}
          labelFormatter={(l) => formatBucket(String(l))}
          formatter={(v, name) => [formatValue(v, format), name]}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((s, i) =>
          kind === "bar" ? (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stackId="a"
              fill={s.color ?? seriesColor(i, s.label)}
              isAnimationActive={false}
            />
          ) : (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.label}
              type="monotone"
              stroke={s.color ?? seriesColor(i, s.label)}
              strokeWidth={2}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ),
        )}
      </Chart>
    </Frame>
  );
}

export function StackedBarChart(props: ChartProps<Record<string, number | string>>) {
  return <SeriesChart kind="bar" {...props} />;
}

export function LineSeriesChart(props: ChartProps<Record<string, number | string | null>>) {
  return <SeriesChart kind="line" {...props} />;
}
