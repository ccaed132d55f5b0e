"use client";

import { Line, LineChart, ResponsiveContainer, Tooltip, YAxis } from "recharts";
import type { MinutePoint } from "@/lib/routing/percentiles";

/** Mean time to first token per minute (this instance), as a small line; gaps where there was no traffic. */
export function LatencySparkline({ points, label }: { points: MinutePoint[]; label: string }) {
  const data = points.map((p) => ({ at: p.at, ms: p.avgMs }));
  const any = points.some((p) => p.avgMs !== null);
  return (
    <figure className="space-y-0.5">
      <div className="h-10 w-full min-w-24 text-accent" role="img" aria-label={label}>
        {any ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 4, right: 2, bottom: 4, left: 2 }}>
              <YAxis hide domain={[0, "dataMax"]} />
              <Tooltip
                cursor={false}
                formatter={(v) => [`${String(v)} ms`, "mean TTFT"]}
                labelFormatter={(_, p) => {
                  const at = p?.[0]?.payload?.at as number | undefined;
                  return at ? new Date(at).toISOString().slice(11, 16) + " UTC" : "";
                }}
                contentStyle={{ fontSize: 12 }}
              />
              {/* Dots too: a minute with traffic between two without is a single point, which a line alone hides. */}
              <Line
                type="monotone"
                dataKey="ms"
                stroke="currentColor"
                strokeWidth={1.5}
                dot={{ r: 1.5, strokeWidth: 0, fill: "currentColor" }}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        ) : (
          <p className="flex h-full items-center text-xs text-muted">
            No traffic in the last {points.length} minutes
          </p>
        )}
      </div>
      {any ? (
        <figcaption className="text-[11px] text-muted">
          Mean TTFT per minute, last {points.length} min
        </figcaption>
      ) : null}
    </figure>
  );
}
