"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";
import type { RouteExplanation } from "@/lib/routing/explain";
import type { ModelOption } from "./types";

const CIRCUIT_TONE = { closed: "success", "half-open": "warn", open: "danger" } as const;

/** The sample request the explain API reads: only the fields that steer routing. */
export function sampleRequest(o: {
  model: string;
  tools: boolean;
  vision: boolean;
  jsonSchema: boolean;
  sort: string;
  zdr: boolean;
}): Record<string, unknown> {
  return {
    model: o.model,
    messages: [
      {
        role: "user",
        content: o.vision
          ? [
              { type: "text", text: "What is in this picture?" },
              { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
            ]
          : "Hello",
      },
    ],
    ...(o.tools
      ? { tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }] }
      : {}),
    ...(o.jsonSchema
      ? { response_format: { type: "json_schema", json_schema: { name: "answer", schema: {} } } }
      : {}),
    ...(o.sort ? { route: o.sort } : {}),
    ...(o.zdr ? { provider: { zdr: true } } : {}),
  };
}

/** Which deployment would serve a sample request now, and why (the relay's own planning on the saved policy). */
export function Simulator({ slug, models }: { slug: string; models: ModelOption[] }) {
  const chat = models.filter((m) => m.kind === "chat");
  const [model, setModel] = useState(chat[0]?.name ?? "");
  const [opts, setOpts] = useState({ tools: false, vision: false, jsonSchema: false, zdr: false });
  const [sort, setSort] = useState("");
  const [result, setResult] = useState<RouteExplanation | null>(null);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onExplain(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    const res = await callApi<RouteExplanation>(
      "POST",
      `/api/workspaces/${slug}/routing/explain`,
      sampleRequest({ model, sort, ...opts }),
    );
    setPending(false);
    if (!res.ok) {
      setResult(null);
      setError(res.message);
      return;
    }
    setResult(res.data);
  }

  const toggles = [
    ["tools", "Uses tools"],
    ["vision", "Has an image"],
    ["jsonSchema", "JSON schema output"],
    ["zdr", "Zero data retention only"],
  ] as const;

  return (
    <Card>
      <CardHeader
        title="Simulator"
        description="Which deployment would serve a request now, and why. Uses the saved policy and live health."
      />
      <CardBody className="space-y-4">
        {chat.length === 0 ? (
          <p className="text-sm text-muted">No chat model is configured.</p>
        ) : (
          <form noValidate onSubmit={onExplain} className="space-y-3">
            <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-end">
              <Field id="sim-model" label="Model">
                <Select id="sim-model" value={model} onChange={(e) => setModel(e.target.value)}>
                  {chat.map((m) => (
                    <option key={m.name} value={m.name}>
                      {m.name}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field id="sim-sort" label="Request preference">
                <Select id="sim-sort" value={sort} onChange={(e) => setSort(e.target.value)}>
                  <option value="">None</option>
                  <option value="cost">Cheapest first</option>
                  <option value="latency">Fastest first</option>
                </Select>
              </Field>
              <Button type="submit" disabled={pending}>
                Explain route
              </Button>
            </div>
            <div className="flex flex-wrap gap-x-4 gap-y-2">
              {toggles.map(([k, label]) => (
                <label key={k} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={opts[k]}
                    onChange={(e) => setOpts({ ...opts, [k]: e.target.checked })}
                  />
                  {label}
                </label>
              ))}
            </div>
            <p className="text-xs text-muted">
              Streaming does not change the route, so it is not an option here.
            </p>
          </form>
        )}
        <FormError message={error} />
        {result ? <Explanation result={result} /> : null}
      </CardBody>
    </Card>
  );
}

function Explanation({ result }: { result: RouteExplanation }) {
  const first = result.tryOrder[0];
  const all = result.models.flatMap((m) => m.deployments);
  const winner = all.find((d) => d.deploymentId === first);
  return (
    <div data-testid="simulator-result" className="space-y-3">
      <p className="text-sm">
        {winner ? (
          <>
            Served by{" "}
            <strong className="font-mono">
              {winner.provider}/{winner.upstreamModel}
            </strong>
            {winner.region ? ` in ${winner.region}` : ""}
            {result.tryOrder.length > 1
              ? `, then ${result.tryOrder.length - 1} fallback${result.tryOrder.length > 2 ? "s" : ""}`
              : ""}
            .
          </>
        ) : (
          "No deployment would serve this request."
        )}
      </p>
      {result.models.map((m) => (
        <div key={m.model} className="space-y-2">
          <dl className="grid gap-x-4 gap-y-1 text-xs sm:grid-cols-2">
            <Item label="Model">
              {m.model}
              {m.via ? ` (${m.via})` : ""}
            </Item>
            <Item label="Strategy">
              <span data-testid="simulator-strategy">{m.strategy}</span> — {m.strategySource}
            </Item>
            <Item label="Rule">
              {m.rule === null ? "none (priority over every deployment)" : `"${m.rule}" (${m.ruleSource})`}
            </Item>
            <Item label="Attempts / regions">
              up to {m.maxAttempts}
              {m.region ? `; regions ${m.region.join(", ") || "none"}` : ""}
            </Item>
          </dl>
          <ul className="divide-y divide-line rounded-md border border-line">
            {m.deployments.map((d) => (
              <li
                key={d.deploymentId}
                className="flex flex-col gap-1 px-3 py-2 text-sm sm:flex-row sm:items-start sm:gap-3"
              >
                <span className="w-16 shrink-0">
                  {d.included ? <Badge tone="accent">#{d.position}</Badge> : <Badge>excluded</Badge>}
                </span>
                <span className="min-w-0 flex-1">
                  <span className="font-mono text-xs">
                    {d.provider}/{d.upstreamModel}
                  </span>
                  {d.region ? <span className="text-xs text-muted"> · {d.region}</span> : null}
                  <span className="block text-xs text-muted">{d.reason}</span>
                </span>
                <span className="flex shrink-0 items-center gap-2 text-xs text-muted">
                  <Badge tone={CIRCUIT_TONE[d.health.circuit]}>{d.health.circuit}</Badge>
                  {d.health.p95TtftMs !== null
                    ? `p95 ${Math.round(d.health.p95TtftMs)} ms`
                    : "no latency yet"}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="inline text-muted">{label}: </dt>
      <dd className="inline">{children}</dd>
    </div>
  );
}
