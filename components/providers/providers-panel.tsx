"use client";

import { useCallback, useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";
import type { DeploymentView, ProvidersHealth } from "@/lib/catalog/deployments";
import { LatencySparkline } from "./sparkline";

const REFRESH_MS = 5_000;
const CIRCUIT_TONE = { closed: "success", "half-open": "warn", open: "danger" } as const;

/** Micro-dollars per million tokens (a decimal string) as "$2.50". */
export function formatPerMillion(micros: string): string {
  const usd = Number(micros) / 1e6;
  return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;
}

const pct = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.01 ? 1 : 0)}%`;
const time = (iso: string | null) => (iso ? `${iso.slice(11, 19)} UTC` : null);

/** Every deployment with price and live health, refreshed every few seconds; the operator can switch one off. */
export function ProvidersPanel({ slug, initial }: { slug: string; initial: ProvidersHealth }) {
  const [data, setData] = useState(initial);
  const [stale, setStale] = useState(false);
  const [toggleError, setToggleError] = useState<string>();
  const [pending, setPending] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const res = await callApi<ProvidersHealth>("GET", `/api/workspaces/${slug}/providers/health`);
    if (res.ok) setData(res.data);
    setStale(!res.ok);
  }, [slug]);

  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === "visible") void refresh();
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [refresh]);

  async function toggle(d: DeploymentView) {
    setPending(d.id);
    setToggleError(undefined);
    const res = await callApi("PATCH", `/api/workspaces/${slug}/providers/deployments/${d.id}`, {
      enabled: !d.enabled,
    });
    setPending(null);
    if (!res.ok) return setToggleError(res.message);
    await refresh();
  }

  return (
    <div className="space-y-4">
      <div className="rounded-md border border-line bg-subtle px-4 py-3 text-sm text-muted">
        {data.store === "memory" ? (
          <>
            Health is measured by this instance from live traffic; it is not shared with other instances (no
            Redis configured).
          </>
        ) : (
          <>
            Latency and error rates are measured by this instance; circuit states and cooldowns are shared
            through Redis
            {data.storeDegraded ? " (Redis is unreachable right now: this instance runs on local state)" : ""}
            .
          </>
        )}{" "}
        Refreshes every {REFRESH_MS / 1000} seconds
        {stale ? " (last refresh failed; showing the previous data)" : ""}.
        {data.constraints.region || data.constraints.zeroDataRetention ? (
          <span className="mt-1 block">
            Workspace constraints:{" "}
            {[
              data.constraints.region && `region ${data.constraints.region}`,
              data.constraints.zeroDataRetention && "zero data retention",
            ]
              .filter(Boolean)
              .join(", ")}
            .
          </span>
        ) : null}
      </div>
      <FormError message={toggleError} />
      <Card>
        <CardHeader
          title="Deployments"
          description={`${data.deployments.length} deployment${data.deployments.length === 1 ? "" : "s"}`}
        />
        {data.deployments.length === 0 ? (
          <p className="px-5 py-4 text-sm text-muted">No deployments are configured.</p>
        ) : (
          <ul className="divide-y divide-line">
            {data.deployments.map((d) => (
              <DeploymentRow
                key={d.id}
                d={d}
                canToggle={data.canToggle}
                pending={pending === d.id}
                onToggle={() => toggle(d)}
              />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function DeploymentRow({
  d,
  canToggle,
  pending,
  onToggle,
}: {
  d: DeploymentView;
  canToggle: boolean;
  pending: boolean;
  onToggle: () => void;
}) {
  const h = d.health;
  const status = !d.enabled
    ? { tone: "neutral" as const, text: "disabled" }
    : !h.available
      ? { tone: "danger" as const, text: "unavailable" }
      : h.circuit !== "closed"
        ? { tone: "warn" as const, text: "degraded" }
        : { tone: "success" as const, text: "healthy" };
  return (
    <li
      data-testid="deployment-row"
      data-deployment={d.id}
      className="grid gap-3 px-4 py-4 sm:px-5 lg:grid-cols-[minmax(0,1.3fr)_minmax(0,1fr)_minmax(0,1.2fr)_10rem]"
    >
      <div className="min-w-0 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium">{d.model}</span>
          <Badge tone={status.tone}>
            <span data-testid="deployment-status">{status.text}</span>
          </Badge>
          {d.isDemo ? <Badge tone="accent">demo</Badge> : null}
        </div>
        <p className="truncate font-mono text-xs text-muted">
          {d.provider}/{d.upstreamModel}
        </p>
        <p className="text-xs text-muted">
          {d.region ? `Region ${d.region}` : "No region"} · {d.protocol}
          {d.noDataRetention ? " · no data retention" : ""}
          {d.capabilities.length ? ` · ${d.capabilities.join(", ")}` : ""}
        </p>
        {d.excludedBy ? (
          <p className="text-xs text-warn">Not used by this workspace: {d.excludedBy}.</p>
        ) : null}
      </div>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
        <dt className="text-muted">Input / M</dt>
        <dd>{formatPerMillion(d.prices.input)}</dd>
        <dt className="text-muted">Output / M</dt>
        <dd>{formatPerMillion(d.prices.output)}</dd>
        {d.prices.cachedInput !== "0" ? (
          <>
            <dt className="text-muted">Cached input / M</dt>
            <dd>{formatPerMillion(d.prices.cachedInput)}</dd>
          </>
        ) : null}
      </dl>
      <div className="min-w-0 space-y-1 text-xs">
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-muted">Circuit</span>
          <Badge tone={CIRCUIT_TONE[h.circuit]}>
            <span data-testid="circuit-state">{h.circuit}</span>
          </Badge>
          {h.openUntil ? <span className="text-muted">until {time(h.openUntil)}</span> : null}
          {h.cooldownUntil ? (
            <span className="text-warn">cooling down until {time(h.cooldownUntil)}</span>
          ) : null}
        </div>
        <p>
          <span className="text-muted">TTFT </span>
          {h.p50TtftMs !== null
            ? `p50 ${Math.round(h.p50TtftMs)} ms · p95 ${Math.round(h.p95TtftMs ?? 0)} ms`
            : "no samples yet"}
        </p>
        <p>
          <span className="text-muted">Errors </span>
          {h.seen
            ? `${pct(h.errorRate)} (timeout ${pct(h.errorRates.timeout)}, 5xx ${pct(h.errorRates["5xx"])}, 429 ${pct(h.errorRates["429"])}, connection ${pct(h.errorRates.connection)})`
            : "no traffic yet"}
        </p>
      </div>
      <div className="flex flex-col gap-2">
        <LatencySparkline
          points={d.history}
          label={`Mean time to first token per minute for ${d.provider}/${d.upstreamModel}`}
        />
        {canToggle ? (
          <Button
            size="sm"
            variant={d.enabled ? "danger-outline" : "secondary"}
            disabled={pending}
            onClick={onToggle}
          >
            {d.enabled ? "Disable" : "Enable"}
          </Button>
        ) : null}
      </div>
    </li>
  );
}
