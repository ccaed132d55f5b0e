// Prometheus metrics (prom-client): what the relay did and why, for the operator's scraper at GET /api/metrics.
// Recording is cheap enough for the relay's hot path (about 1.3 µs for a whole request's metrics): counters and
// histograms are summed in plain Maps and handed to prom-client's registry when it renders (see LocalCounter).
//
// One Registry (not prom-client's global default), kept on globalThis under Symbol.for so the server entry's
// module graph (the gateway, which records) and Next's bundle (the route handler, which renders) share it in one
// process. Default process metrics (process_*, nodejs_*) are included.
//
// Label sets are small and bounded: every label value is sanitized (printable ASCII, at most 64 characters) and
// each label has a cap on distinct values (MAX_VALUES); past the cap new values are reported as `other`, so a
// client sending random model names cannot grow the series without bound. Callers should still pass bounded
// values: the catalog's model name (or `unknown` when it did not resolve), deployment ids, provider names.
//
// Gauges about deployments (circuit state, health score, cooldown) and the shared-state store are read at scrape
// time from provider functions the owning modules register: setHealthSource(), setStoreStatusSource().
import { Gauge, Registry, collectDefaultMetrics, type Metric } from "prom-client";
import { log } from "./log";

// ---------- types ----------

export type FailoverReason = "timeout" | "5xx" | "429" | "connection" | "stream_error" | "other";
export type CircuitState = "closed" | "half_open" | "open";
export type RateLimitScope = "key" | "workspace";
export type RateLimitKind = "requests" | "tokens";

export interface RequestLabels {
  /** The workspace (tenant) id. */
  workspace: string;
  /** The catalog model name the client asked for; `unknown` when it did not resolve. */
  model: string;
  /** The deployment that answered (the last one tried); null/empty when none was tried. */
  deployment?: string | null;
  /** The provider name of that deployment. */
  provider?: string | null;
  /** The HTTP status answered to the client (499 when the client went away). */
  status: number;
  stream: boolean;
  /** `chat`, `embeddings`, ... */
  endpoint: string;
}

export interface LatencyLabels {
  model: string;
  deployment?: string | null;
  provider?: string | null;
  stream: boolean;
}

export interface TokenLabels {
  workspace: string;
  model: string;
  deployment?: string | null;
}

export interface TokenCounts {
  input?: number;
  cached?: number;
  output?: number;
  reasoning?: number;
}

export interface FailoverLabels {
  model: string;
  /** The deployment the relay moved away from. */
  fromDeployment: string;
  reason: FailoverReason;
}

export interface RateLimitLabels {
  workspace: string;
  scope: RateLimitScope;
  /** Which bucket refused: requests per minute or tokens per minute. Default `requests`. */
  kind?: RateLimitKind;
}

export interface DeploymentHealth {
  deploymentId: string;
  /** The provider's name (the same value passed as `provider` to recordRequest). */
  provider: string;
  circuit: CircuitState;
  /** 0 (unusable) .. 1 (healthy). */
  score: number;
  /** Epoch milliseconds until which the deployment is cooling down (e.g. after a 429), or null. */
  cooldownUntil: number | null;
}

export type HealthSource = () => Iterable<DeploymentHealth>;
/** True when the shared-state store fell back to process-local state (Redis unreachable). */
export type StoreStatusSource = () => boolean;

// ---------- label hygiene ----------

const MAX_LABEL_LENGTH = 64;
/** Distinct values kept per label before new ones are folded into `other`. */
const MAX_VALUES: Record<string, number> = {
  workspace: 10_000,
  model: 500,
  deployment: 1_000,
  provider: 200,
  endpoint: 20,
};
export const OTHER = "other";
export const UNKNOWN = "unknown";
/** The deployment/provider label of a request no deployment was tried for. */
export const NONE = "none";

/** Printable ASCII only, trimmed and truncated; empty becomes `unknown`. */
export function sanitizeLabel(value: unknown): string {
  if (value === null || value === undefined) return UNKNOWN;
  let s = String(value);
  if (s.length > MAX_LABEL_LENGTH * 4) s = s.slice(0, MAX_LABEL_LENGTH * 4);
  s = s.replace(/[^\x20-\x7e]/g, "_").trim();
  if (s.length > MAX_LABEL_LENGTH) s = s.slice(0, MAX_LABEL_LENGTH);
  return s === "" ? UNKNOWN : s;
}

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };
const FAILOVER_REASONS = new Set<string>(["timeout", "5xx", "429", "connection", "stream_error", "other"]);

/** Seconds: from a fast cached answer to a long reasoning completion. */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 45, 60, 90, 120];

// ---------- counters and histograms kept for the hot path, rendered by prom-client's registry ----------
//
// prom-client's own Counter.inc and Histogram.observe validate and hash the whole label set on every call (about
// 2 µs with seven labels; a whole relay request records eight of them). Here a series is found by walking one Map
// per label with the values label() returns (the same interned strings each time, so no hashing of fresh
// strings), and the registry reads the series at scrape time through the metric interface it renders
// (`get()` -> { name, help, type, values: [{ labels, value, metricName? }] }).

type Labels = Record<string, string>;

/** Series keyed by their label values, in label-name order. */
class SeriesTable<S> {
  private root = new Map<string, unknown>();
  all: S[] = [];

  constructor(
    private readonly create: (labels: Labels) => S,
    private readonly names: readonly string[],
  ) {}

  get(values: readonly string[]): S {
    let node = this.root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = node.get(values[i]!) as Map<string, unknown> | undefined;
      if (next === undefined) node.set(values[i]!, (next = new Map()));
      node = next;
    }
    let s = node.get(values[last]!) as S | undefined;
    if (s === undefined) {
      const labels: Labels = {};
      this.names.forEach((n, i) => (labels[n] = values[i]!));
      s = this.create(labels);
      node.set(values[last]!, s);
      this.all.push(s);
    }
    return s;
  }

  clear(): void {
    this.root = new Map();
    this.all = [];
  }
}

interface MetricDef {
  name: string;
  help: string;
  labelNames: readonly string[];
}

function register(registry: Registry, metric: object): void {
  registry.registerMetric(metric as unknown as Metric);
}

class LocalCounter {
  readonly type = "counter";
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;
  private readonly table: SeriesTable<{ labels: Labels; value: number }>;

  constructor(def: MetricDef, registry: Registry) {
    this.name = def.name;
    this.help = def.help;
    this.table = new SeriesTable((labels) => ({ labels, value: 0 }), def.labelNames);
    register(registry, this);
  }

  /** `values` in label-name order, already passed through label(). */
  inc(values: readonly string[], value = 1): void {
    if (!(value >= 0 && value < Infinity)) return; // counters never go down, never NaN
    this.table.get(values).value += value;
  }

  async get() {
    const values = this.table.all.map((s) => ({ labels: { ...s.labels }, value: s.value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.table.clear();
  }
}

class LocalHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;
  private readonly bounds: readonly number[];
  private readonly table: SeriesTable<{ labels: Labels; buckets: number[]; sum: number; count: number }>;

  constructor(def: MetricDef & { buckets: readonly number[] }, registry: Registry) {
    this.name = def.name;
    this.help = def.help;
    this.bounds = [...def.buckets].sort((a, b) => a - b);
    this.table = new SeriesTable(
      (labels) => ({ labels, buckets: new Array<number>(this.bounds.length).fill(0), sum: 0, count: 0 }),
      def.labelNames,
    );
    register(registry, this);
  }

  observe(values: readonly string[], value: number): void {
    const s = this.table.get(values);
    s.sum += value;
    s.count += 1;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        s.buckets[i]! += 1;
        break;
      }
    }
  }

  async get() {
    const values: Array<{ labels: Labels; value: number; metricName: string }> = [];
    for (const s of this.table.all) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        values.push({
          labels: { ...s.labels, le: String(le) },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({ labels: { ...s.labels, le: "+Inf" }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.table.clear();
  }
}

// ---------- the metrics ----------

export interface MetricsOptions {
  /** Register prom-client's default process metrics (default true). */
  defaultMetrics?: boolean;
}

/** One set of Switchyard metrics on its own registry. The process-wide one is `getMetrics()`. */
export class SwitchyardMetrics {
  readonly registry = new Registry();
  private healthSource: HealthSource | null = null;
  private storeSource: StoreStatusSource | null = null;
  /** The health snapshot of the scrape in progress, so the three deployment gauges agree with each other. */
  private scrapeHealth: DeploymentHealth[] | null = null;
  /** Per label name: the sanitized values admitted so far, and raw value -> admitted value. */
  private readonly admitted = new Map<string, { values: Set<string>; raw: Map<string, string> }>();

  private readonly requests: LocalCounter;
  private readonly duration: LocalHistogram;
  private readonly ttft: LocalHistogram;
  private readonly tokens: LocalCounter;
  private readonly cost: LocalCounter;
  private readonly failovers: LocalCounter;
  private readonly rateLimited: LocalCounter;

  constructor(opts: MetricsOptions = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });

    this.requests = new LocalCounter(
      {
        name: "switchyard_requests_total",
        help: "Relay requests answered, by workspace, model, serving deployment, provider and HTTP status.",
        labelNames: ["workspace", "model", "deployment", "provider", "status", "stream", "endpoint"],
      },
      this.registry,
    );
    this.duration = new LocalHistogram(
      {
        name: "switchyard_request_duration_seconds",
        help: "Total time of successful relay requests, from arrival to the last byte.",
        labelNames: ["model", "deployment", "provider", "stream"],
        buckets: LATENCY_BUCKETS,
      },
      this.registry,
    );
    this.ttft = new LocalHistogram(
      {
        name: "switchyard_time_to_first_token_seconds",
        help: "Time from a request's arrival to the first token sent to the client (streams).",
        labelNames: ["model", "deployment", "provider", "stream"],
        buckets: LATENCY_BUCKETS,
      },
      this.registry,
    );
    this.tokens = new LocalCounter(
      {
        name: "switchyard_tokens_total",
        help: "Tokens metered, by kind: input (including cached), cached (input served from cache), output, reasoning (part of output).",
        labelNames: ["workspace", "model", "deployment", "kind"],
      },
      this.registry,
    );
    this.cost = new LocalCounter(
      {
        name: "switchyard_cost_usd_total",
        help: "Amount charged to workspaces, USD.",
        labelNames: ["workspace", "model", "deployment"],
      },
      this.registry,
    );
    this.failovers = new LocalCounter(
      {
        name: "switchyard_failovers_total",
        help: "Times the relay moved on from a deployment to the next candidate, by reason.",
        labelNames: ["model", "from_deployment", "reason"],
      },
      this.registry,
    );
    this.rateLimited = new LocalCounter(
      {
        name: "switchyard_rate_limit_rejections_total",
        help: "Requests refused with 429 by the relay's own rate limits, by scope (key, workspace) and bucket kind.",
        labelNames: ["workspace", "scope", "kind"],
      },
      this.registry,
    );

    // Scrape-time gauges. `self` because prom-client calls collect with the gauge as `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: "switchyard_circuit_state",
      help: "Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open.",
      labelNames: ["deployment", "provider"],
      registers,
      collect() {
        this.reset();
        for (const h of self.health()) {
          this.set(self.deploymentLabels(h), CIRCUIT_VALUE[h.circuit] ?? 0);
        }
      },
    });
    new Gauge({
      name: "switchyard_deployment_health_score",
      help: "Health score per deployment from live traffic, 0 (unusable) to 1 (healthy).",
      labelNames: ["deployment", "provider"],
      registers,
      collect() {
        this.reset();
        for (const h of self.health()) {
          const score = Number.isFinite(h.score) ? Math.min(1, Math.max(0, h.score)) : 0;
          this.set(self.deploymentLabels(h), score);
        }
      },
    });
    new Gauge({
      name: "switchyard_deployment_cooldown",
      help: "1 while a deployment is cooling down (e.g. after a 429's Retry-After), else 0.",
      labelNames: ["deployment"],
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const h of self.health()) {
          const cooling = h.cooldownUntil !== null && h.cooldownUntil > now;
          this.set({ deployment: self.label("deployment", h.deploymentId) }, cooling ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: "switchyard_store_degraded",
      help: "1 when shared state (Redis) is unreachable and this instance runs on process-local state, else 0.",
      registers,
      collect() {
        let degraded = false;
        if (self.storeSource) {
          try {
            degraded = self.storeSource() === true;
          } catch (err) {
            log.warn("metrics: the store status source failed", { err });
          }
        }
        this.set(degraded ? 1 : 0);
      },
    });
  }

  /** A sanitized label value, folded into `other` past the label's cap on distinct values. */
  label(name: string, value: string | null | undefined): string {
    let a = this.admitted.get(name);
    if (!a) this.admitted.set(name, (a = { values: new Set(), raw: new Map() }));
    if (value != null) {
      const hit = a.raw.get(value);
      if (hit !== undefined) return hit;
    }
    const v = sanitizeLabel(value);
    const cap = MAX_VALUES[name] ?? 100;
    if (!a.values.has(v)) {
      if (a.values.size >= cap) return OTHER;
      a.values.add(v);
    }
    // Raw spellings of admitted values are remembered too, within a bound.
    if (value != null && a.raw.size < cap * 4) a.raw.set(value, v);
    return v;
  }

  private deploymentLabels(h: DeploymentHealth): { deployment: string; provider: string } {
    return {
      deployment: this.label("deployment", h.deploymentId),
      provider: this.label("provider", h.provider),
    };
  }

  private readHealth(): DeploymentHealth[] {
    if (!this.healthSource) return [];
    try {
      return [...this.healthSource()];
    } catch (err) {
      log.warn("metrics: the health source failed", { err });
      return [];
    }
  }

  private health(): DeploymentHealth[] {
    return this.scrapeHealth ?? this.readHealth();
  }

  setHealthSource(source: HealthSource | null): void {
    this.healthSource = source;
  }

  setStoreStatusSource(source: StoreStatusSource | null): void {
    this.storeSource = source;
  }

  private opt(name: string, value: string | null | undefined): string {
    return value ? this.label(name, value) : NONE;
  }

  recordRequest(l: RequestLabels): void {
    this.requests.inc([
      this.label("workspace", l.workspace),
      this.label("model", l.model),
      this.opt("deployment", l.deployment),
      this.opt("provider", l.provider),
      statusLabel(l.status),
      l.stream ? "true" : "false",
      this.label("endpoint", l.endpoint),
    ]);
  }

  observeLatency(l: LatencyLabels, totalSeconds: number, ttftSeconds?: number | null): void {
    const values = [
      this.label("model", l.model),
      this.opt("deployment", l.deployment),
      this.opt("provider", l.provider),
      l.stream ? "true" : "false",
    ];
    if (Number.isFinite(totalSeconds) && totalSeconds >= 0) this.duration.observe(values, totalSeconds);
    if (ttftSeconds != null && Number.isFinite(ttftSeconds) && ttftSeconds >= 0) {
      this.ttft.observe(values, ttftSeconds);
    }
  }

  recordTokens(l: TokenLabels, t: TokenCounts): void {
    const workspace = this.label("workspace", l.workspace);
    const model = this.label("model", l.model);
    const deployment = this.opt("deployment", l.deployment);
    if (t.input! > 0) this.tokens.inc([workspace, model, deployment, "input"], t.input);
    if (t.cached! > 0) this.tokens.inc([workspace, model, deployment, "cached"], t.cached);
    if (t.output! > 0) this.tokens.inc([workspace, model, deployment, "output"], t.output);
    if (t.reasoning! > 0) this.tokens.inc([workspace, model, deployment, "reasoning"], t.reasoning);
  }

  /** Cost charged, in integer micro-dollars (the unit every module uses); exported in USD. */
  recordCost(l: TokenLabels, micros: bigint | number): void {
    const usd = Number(micros) / 1_000_000;
    if (!Number.isFinite(usd) || usd <= 0) return;
    this.cost.inc(
      [
        this.label("workspace", l.workspace),
        this.label("model", l.model),
        this.opt("deployment", l.deployment),
      ],
      usd,
    );
  }

  recordFailover(l: FailoverLabels): void {
    this.failovers.inc([
      this.label("model", l.model),
      this.label("deployment", l.fromDeployment),
      FAILOVER_REASONS.has(l.reason) ? l.reason : "other",
    ]);
  }

  recordRateLimitRejection(l: RateLimitLabels): void {
    this.rateLimited.inc([
      this.label("workspace", l.workspace),
      l.scope === "workspace" ? "workspace" : "key",
      l.kind === "tokens" ? "tokens" : "requests",
    ]);
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    this.scrapeHealth = this.readHealth();
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.scrapeHealth = null;
    }
  }
}

const STATUS_LABELS = Array.from({ length: 600 }, (_, i) => String(i));

function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? STATUS_LABELS[status]! : "0";
}

/** The failover reason for an attempt that did not serve the request (an entry of the pipeline's attempt log). */
export function failoverReason(a: { outcome: string; status?: number }): FailoverReason {
  if (a.status === 429) return "429";
  if (a.status !== undefined && a.status >= 500) return "5xx";
  switch (a.outcome) {
    case "timeout":
      return "timeout";
    case "connect":
    case "reset":
      return "connection";
    case "stream_error":
      return "stream_error";
    default:
      return "other";
  }
}

// ---------- the process-wide instance ----------

const KEY = Symbol.for("switchyard.metrics");
type G = typeof globalThis & { [KEY]?: SwitchyardMetrics };

/** The process's metrics, shared by the server entry and Next's bundles. */
export function getMetrics(): SwitchyardMetrics {
  const g = globalThis as G;
  return (g[KEY] ??= new SwitchyardMetrics());
}

export function recordRequest(l: RequestLabels): void {
  getMetrics().recordRequest(l);
}

export function observeLatency(l: LatencyLabels, totalSeconds: number, ttftSeconds?: number | null): void {
  getMetrics().observeLatency(l, totalSeconds, ttftSeconds);
}

export function recordTokens(l: TokenLabels, t: TokenCounts): void {
  getMetrics().recordTokens(l, t);
}

export function recordCost(l: TokenLabels, micros: bigint | number): void {
  getMetrics().recordCost(l, micros);
}

export function recordFailover(l: FailoverLabels): void {
  getMetrics().recordFailover(l);
}

export function recordRateLimitRejection(l: RateLimitLabels): void {
  getMetrics().recordRateLimitRejection(l);
}

/** Registers the health tracker's view of every deployment, read at each scrape. */
export function setHealthSource(source: HealthSource | null): void {
  getMetrics().setHealthSource(source);
}

/** Registers whether the shared-state store is degraded to local state, read at each scrape. */
export function setStoreStatusSource(source: StoreStatusSource | null): void {
  getMetrics().setStoreStatusSource(source);
}

export function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return getMetrics().render();
}

// ---------- one call per relay request ----------

/** The fields of the pipeline's usage record that metrics read (lib/usage/recorder.ts UsageRecordInput). */
export interface RelayOutcome {
  tenantId: string;
  endpoint: string;
  requestedModel: string;
  /** Null when the model did not resolve: the model label is then `unknown` (client input is not a label). */
  modelId: string | null;
  deploymentId: string | null;
  stream: boolean;
  status: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  ttfbMs: number | null;
  totalMs: number;
  costMicros: bigint | number;
  /** The pipeline's Attempt log: { deploymentId, provider, outcome, status? } per try, in order. */
  attemptLog: ReadonlyArray<unknown>;
}

interface AttemptLike {
  deploymentId: string;
  provider: string;
  outcome: string;
  status?: number;
}

function isAttempt(a: unknown): a is AttemptLike {
  const x = a as AttemptLike | null;
  return typeof x?.deploymentId === "string" && typeof x.outcome === "string";
}

/**
 * Records everything one finished relay request says: the request, its latency (successful requests only; time
 * to first token for streams), tokens, cost, and one failover per attempt that was followed by another.
 * The pipeline calls this once per request next to `usage.record(rec)`.
 */
export function recordRelayOutcome(rec: RelayOutcome): void {
  const m = getMetrics();
  const attempts = rec.attemptLog.filter(isAttempt);
  const last = attempts[attempts.length - 1];
  const model = rec.modelId === null ? UNKNOWN : rec.requestedModel;
  const deployment = rec.deploymentId ?? last?.deploymentId ?? null;
  const provider = last?.provider ?? null;
  m.recordRequest({
    workspace: rec.tenantId,
    model,
    deployment,
    provider,
    status: rec.status,
    stream: rec.stream,
    endpoint: rec.endpoint,
  });
  for (let i = 0; i < attempts.length - 1; i++) {
    const a = attempts[i]!;
    m.recordFailover({ model, fromDeployment: a.deploymentId, reason: failoverReason(a) });
  }
  if (rec.status >= 200 && rec.status < 400) {
    const ttft = rec.stream && rec.ttfbMs !== null ? rec.ttfbMs / 1000 : undefined;
    m.observeLatency({ model, deployment, provider, stream: rec.stream }, rec.totalMs / 1000, ttft);
  }
  const labels = { workspace: rec.tenantId, model, deployment };
  m.recordTokens(labels, {
    input: rec.inputTokens,
    cached: rec.cachedInputTokens,
    output: rec.outputTokens,
    reasoning: rec.reasoningTokens,
  });
  m.recordCost(labels, rec.costMicros);
}
