import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/metrics/route";
import { resetEnvCache } from "@/lib/env";
import {
  failoverReason,
  getMetrics,
  observeLatency,
  recordFailover,
  recordRateLimitRejection,
  recordRelayOutcome,
  recordRequest,
  recordTokens,
  renderMetrics,
  sanitizeLabel,
  setHealthSource,
  setStoreStatusSource,
  SwitchyardMetrics,
} from "./metrics";

// ---------- a tiny parser of the Prometheus text format ----------

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
  }
  return labels;
}

function parse(body: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of body.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("# TYPE ")) {
      const [name, type] = line.slice(7).split(" ");
      types.set(name!, type!);
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`unparseable line: ${line}`);
    const raw = m[3]!;
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
    samples.push({ name: m[1]!, labels: m[2] ? parseLabels(m[2]) : {}, value });
  }
  return { samples, types };
}

function find(samples: Sample[], name: string, labels: Record<string, string>): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const found = find(samples, name, labels);
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

// ---------- recording and rendering ----------

describe("metrics", () => {
  afterEach(() => {
    setHealthSource(null);
    setStoreStatusSource(null);
  });

  it("exposes every metric with its labels and values", async () => {
    recordRequest({
      workspace: "ws_1",
      model: "gpt-x",
      deployment: "dep_a",
      provider: "openai",
      status: 200,
      stream: true,
      endpoint: "chat",
    });
    observeLatency({ model: "gpt-x", deployment: "dep_a", provider: "openai", stream: true }, 1.5, 0.2);
    recordTokens(
      { workspace: "ws_1", model: "gpt-x", deployment: "dep_a" },
      { input: 100, cached: 40, output: 50, reasoning: 10 },
    );
    recordFailover({ model: "gpt-x", fromDeployment: "dep_b", reason: "429" });
    recordRateLimitRejection({ workspace: "ws_1", scope: "key", kind: "tokens" });
    const now = Date.now();
    setHealthSource(() => [
      { deploymentId: "dep_a", provider: "openai", circuit: "closed", score: 0.9, cooldownUntil: null },
      {
        deploymentId: "dep_b",
        provider: "anthropic",
        circuit: "open",
        score: 0.1,
        cooldownUntil: now + 60_000,
      },
      { deploymentId: "dep_c", provider: "groq", circuit: "half_open", score: 7, cooldownUntil: now - 1 },
    ]);
    setStoreStatusSource(() => true);

    const { contentType, body } = await renderMetrics();
    expect(contentType).toMatch(/^text\/plain/);
    const { samples, types } = parse(body);

    expect(
      value(samples, "switchyard_requests_total", {
        workspace: "ws_1",
        model: "gpt-x",
        deployment: "dep_a",
        provider: "openai",
        status: "200",
        stream: "true",
        endpoint: "chat",
      }),
    ).toBe(1);

    const lat = { model: "gpt-x", deployment: "dep_a", provider: "openai", stream: "true" };
    for (const name of [
      "switchyard_requests_total",
      "switchyard_tokens_total",
      "switchyard_failovers_total",
      "switchyard_rate_limit_rejections_total",
    ]) {
      expect(types.get(name), name).toBe("counter");
    }
    for (const name of [
      "switchyard_circuit_state",
      "switchyard_deployment_health_score",
      "switchyard_deployment_cooldown",
      "switchyard_store_degraded",
    ]) {
      expect(types.get(name), name).toBe("gauge");
    }
    expect(types.get("switchyard_time_to_first_token_seconds")).toBe("histogram");
    expect(types.get("switchyard_request_duration_seconds")).toBe("histogram");
    expect(value(samples, "switchyard_request_duration_seconds_count", lat)).toBe(1);
    expect(value(samples, "switchyard_request_duration_seconds_sum", lat)).toBe(1.5);
    expect(value(samples, "switchyard_request_duration_seconds_bucket", { ...lat, le: "1" })).toBe(0);
    expect(value(samples, "switchyard_request_duration_seconds_bucket", { ...lat, le: "2" })).toBe(1);
    expect(value(samples, "switchyard_request_duration_seconds_bucket", { ...lat, le: "0.05" })).toBe(0);
    expect(value(samples, "switchyard_request_duration_seconds_bucket", { ...lat, le: "120" })).toBe(1);
    expect(value(samples, "switchyard_time_to_first_token_seconds_count", lat)).toBe(1);
    expect(value(samples, "switchyard_time_to_first_token_seconds_sum", lat)).toBe(0.2);
    expect(value(samples, "switchyard_time_to_first_token_seconds_bucket", { ...lat, le: "0.25" })).toBe(1);
    expect(value(samples, "switchyard_time_to_first_token_seconds_bucket", { ...lat, le: "0.1" })).toBe(0);

    const tok = { workspace: "ws_1", model: "gpt-x", deployment: "dep_a" };
    expect(value(samples, "switchyard_tokens_total", { ...tok, kind: "input" })).toBe(100);
    expect(value(samples, "switchyard_tokens_total", { ...tok, kind: "cached" })).toBe(40);
    expect(value(samples, "switchyard_tokens_total", { ...tok, kind: "output" })).toBe(50);
    expect(value(samples, "switchyard_tokens_total", { ...tok, kind: "reasoning" })).toBe(10);

    expect(
      value(samples, "switchyard_failovers_total", {
        model: "gpt-x",
        from_deployment: "dep_b",
        reason: "429",
      }),
    ).toBe(1);
    expect(
      value(samples, "switchyard_rate_limit_rejections_total", {
        workspace: "ws_1",
        scope: "key",
        kind: "tokens",
      }),
    ).toBe(1);

    expect(value(samples, "switchyard_circuit_state", { deployment: "dep_a", provider: "openai" })).toBe(0);
    expect(value(samples, "switchyard_circuit_state", { deployment: "dep_b", provider: "anthropic" })).toBe(
      2,
    );
    expect(value(samples, "switchyard_circuit_state", { deployment: "dep_c", provider: "groq" })).toBe(1);
    expect(
      value(samples, "switchyard_deployment_health_score", { deployment: "dep_a", provider: "openai" }),
    ).toBe(0.9);
    expect(
      value(samples, "switchyard_deployment_health_score", { deployment: "dep_c", provider: "groq" }),
    ).toBe(1); // clamped
    expect(value(samples, "switchyard_deployment_cooldown", { deployment: "dep_a" })).toBe(0);
    expect(value(samples, "switchyard_deployment_cooldown", { deployment: "dep_b" })).toBe(1);
    expect(value(samples, "switchyard_deployment_cooldown", { deployment: "dep_c" })).toBe(0);
    expect(value(samples, "switchyard_store_degraded", {})).toBe(1);

    // default process metrics are there too
    expect(samples.some((s) => s.name === "process_cpu_user_seconds_total")).toBe(true);
    expect(samples.some((s) => s.name.startsWith("nodejs_"))).toBe(true);
  });

  it("gauges follow their sources at each scrape", async () => {
    let circuit: "closed" | "open" = "open";
    let degraded = true;
    setHealthSource(() => [
      { deploymentId: "dep_z", provider: "p", circuit, score: 0.5, cooldownUntil: null },
    ]);
    setStoreStatusSource(() => degraded);
    let { samples } = parse((await renderMetrics()).body);
    expect(value(samples, "switchyard_circuit_state", { deployment: "dep_z" })).toBe(2);
    expect(value(samples, "switchyard_store_degraded", {})).toBe(1);

    circuit = "closed";
    degraded = false;
    ({ samples } = parse((await renderMetrics()).body));
    expect(value(samples, "switchyard_circuit_state", { deployment: "dep_z" })).toBe(0);
    expect(value(samples, "switchyard_store_degraded", {})).toBe(0);

    // a deployment that left the source leaves the gauges; a failing source empties them without failing
    setHealthSource(() => {
      throw new Error("tracker down");
    });
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    ({ samples } = parse((await renderMetrics()).body));
    expect(String(stderr.mock.calls[0]?.[0])).toContain("the health source failed");
    stderr.mockRestore();
    expect(find(samples, "switchyard_circuit_state", {})).toHaveLength(0);
    expect(find(samples, "switchyard_deployment_health_score", {})).toHaveLength(0);
  });

  it("shares one registry per process through globalThis", () => {
    expect(getMetrics()).toBe((globalThis as Record<symbol, unknown>)[Symbol.for("switchyard.metrics")]);
    expect(getMetrics()).toBe(getMetrics());
  });

  it("records a whole relay outcome: request, failovers, latency, tokens and cost", async () => {
    recordRelayOutcome({
      tenantId: "ws_relay",
      endpoint: "chat",
      requestedModel: "relay-model",
      modelId: "m1",
      deploymentId: "dep_ok",
      stream: true,
      status: 200,
      inputTokens: 10,
      cachedInputTokens: 0,
      outputTokens: 5,
      reasoningTokens: 0,
      ttfbMs: 120,
      totalMs: 900,
      costMicros: 2_500n,
      attemptLog: [
        { deploymentId: "dep_t", provider: "a", outcome: "timeout", ms: 10 },
        { deploymentId: "dep_5", provider: "a", outcome: "http_error", status: 503, ms: 10 },
        { deploymentId: "dep_ok", provider: "b", outcome: "ok", ms: 10 },
      ],
    });
    // an unresolved model is not a label value
    recordRelayOutcome({
      tenantId: "ws_relay",
      endpoint: "chat",
      requestedModel: "random-garbage-123",
      modelId: null,
      deploymentId: null,
      stream: false,
      status: 404,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      ttfbMs: null,
      totalMs: 1,
      costMicros: 0n,
      attemptLog: [],
    });
    const { samples } = parse((await renderMetrics()).body);
    expect(
      value(samples, "switchyard_requests_total", {
        workspace: "ws_relay",
        model: "relay-model",
        deployment: "dep_ok",
        provider: "b",
        status: "200",
      }),
    ).toBe(1);
    expect(
      value(samples, "switchyard_requests_total", {
        workspace: "ws_relay",
        model: "unknown",
        deployment: "none",
        status: "404",
      }),
    ).toBe(1);
    expect(samples.some((s) => s.labels.model === "random-garbage-123")).toBe(false);
    expect(
      value(samples, "switchyard_failovers_total", { from_deployment: "dep_t", reason: "timeout" }),
    ).toBe(1);
    expect(value(samples, "switchyard_failovers_total", { from_deployment: "dep_5", reason: "5xx" })).toBe(1);
    expect(find(samples, "switchyard_failovers_total", { from_deployment: "dep_ok" })).toHaveLength(0);
    const lat = { model: "relay-model", deployment: "dep_ok", provider: "b", stream: "true" };
    expect(value(samples, "switchyard_request_duration_seconds_sum", lat)).toBe(0.9);
    expect(value(samples, "switchyard_time_to_first_token_seconds_sum", lat)).toBe(0.12);
    expect(
      value(samples, "switchyard_tokens_total", {
        workspace: "ws_relay",
        model: "relay-model",
        kind: "output",
      }),
    ).toBe(5);
    expect(value(samples, "switchyard_cost_usd_total", { workspace: "ws_relay", model: "relay-model" })).toBe(
      0.0025,
    );
  });
});

describe("label hygiene", () => {
  it("sanitizes and truncates label values", () => {
    expect(sanitizeLabel('a\nb"c')).toBe('a_b"c');
    expect(sanitizeLabel("")).toBe("unknown");
    expect(sanitizeLabel(null)).toBe("unknown");
    expect(sanitizeLabel("x".repeat(500))).toHaveLength(64);
    expect(sanitizeLabel("é")).toBe("_");
  });

  it("folds values past a label's cap into `other`", async () => {
    const m = new SwitchyardMetrics({ defaultMetrics: false });
    for (let i = 0; i < 600; i++) {
      m.recordRequest({ workspace: "w", model: `m${i}`, status: 404, stream: false, endpoint: "chat" });
    }
    const { samples } = parse((await m.render()).body);
    const models = new Set(find(samples, "switchyard_requests_total", {}).map((s) => s.labels.model));
    expect(models.size).toBe(501);
    expect(value(samples, "switchyard_requests_total", { model: "other" })).toBe(100);
  });

  it("ignores counts that are not finite and non-negative", async () => {
    const m = new SwitchyardMetrics({ defaultMetrics: false });
    m.recordTokens(
      { workspace: "w", model: "m" },
      { input: Infinity, cached: NaN, output: -3, reasoning: 0 },
    );
    m.recordCost({ workspace: "w", model: "m" }, -5n);
    const { samples } = parse((await m.render()).body);
    expect(find(samples, "switchyard_tokens_total", {})).toHaveLength(0);
    expect(find(samples, "switchyard_cost_usd_total", {})).toHaveLength(0);
  });

  it("escapes what remains so the exposition stays parseable", async () => {
    const m = new SwitchyardMetrics({ defaultMetrics: false });
    m.recordRateLimitRejection({ workspace: 'w"\\x', scope: "workspace" });
    const { samples } = parse((await m.render()).body);
    expect(
      value(samples, "switchyard_rate_limit_rejections_total", {
        workspace: 'w"\\x',
        scope: "workspace",
        kind: "requests",
      }),
    ).toBe(1);
  });

  it("maps attempt outcomes to failover reasons", () => {
    expect(failoverReason({ outcome: "http_error", status: 429 })).toBe("429");
    expect(failoverReason({ outcome: "http_error", status: 502 })).toBe("5xx");
    expect(failoverReason({ outcome: "connect" })).toBe("connection");
    expect(failoverReason({ outcome: "reset" })).toBe("connection");
    expect(failoverReason({ outcome: "timeout" })).toBe("timeout");
    expect(failoverReason({ outcome: "stream_error" })).toBe("stream_error");
    expect(failoverReason({ outcome: "http_error", status: 408 })).toBe("other");
  });
});

// ---------- GET /api/metrics ----------

describe("GET /api/metrics", () => {
  const saved = process.env.METRICS_TOKEN;
  const url = "http://localhost/api/metrics";

  beforeEach(() => {
    process.env.METRICS_TOKEN = "s3cret-token";
    resetEnvCache();
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.METRICS_TOKEN;
    else process.env.METRICS_TOKEN = saved;
    resetEnvCache();
  });

  it("is disabled (404) while METRICS_TOKEN is unset", async () => {
    delete process.env.METRICS_TOKEN;
    resetEnvCache();
    const res = await GET(new Request(url, { headers: { authorization: "Bearer anything" } }));
    expect(res.status).toBe(404);
  });

  it("answers 401 without the right bearer token", async () => {
    for (const authorization of [
      undefined,
      "Bearer wrong",
      "Bearer s3cret-token-longer",
      "Basic s3cret-token",
      "s3cret-token",
    ]) {
      const res = await GET(new Request(url, { headers: authorization ? { authorization } : {} }));
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain("switchyard_");
    }
  });

  it("serves the Prometheus text format with the right token", async () => {
    recordRequest({ workspace: "w_route", model: "m", status: 200, stream: false, endpoint: "embeddings" });
    const res = await GET(new Request(url, { headers: { authorization: "Bearer s3cret-token" } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { samples } = parse(await res.text());
    expect(
      value(samples, "switchyard_requests_total", { workspace: "w_route", endpoint: "embeddings" }),
    ).toBe(1);
  });
});
