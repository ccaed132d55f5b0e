// The route planner: which deployments of a model to try, in what order, and why. Pure (time, health and
// randomness are inputs), so the relay and the dashboard's route explanation run the same code.
// Steps, each one narrowing: spend rule (may remap the model) -> rule candidates -> region -> capabilities ->
// request preferences -> health -> order (strategy, request sort, provider.order, health demotion) -> fallbacks
// and attempts. Invariants:
//  - nothing outside the policy's region constraint is ever a candidate, whatever the health or the request says;
//  - request preferences only remove or reorder, never add;
//  - unavailable deployments (open circuit, cooldown) are dropped unless every remaining one is unavailable; then
//    all are kept, in order, as a last resort (a dead route must still be tried rather than fail unseen);
//  - a deployment whose health score is below DEMOTE_BELOW goes after its healthy peers (traffic shifts before it
//    fails outright); under `weighted` its weight is also multiplied by its score.
import type { CatalogDeployment, CatalogModel } from "@/lib/catalog/catalog";
import { AppError } from "@/lib/errors";
import type { RelayTimeouts } from "@/lib/gateway/dispatch";
import {
  findRule,
  intersectRegions,
  regionAllows,
  selectorIndex,
  strategyAt,
  weightOf,
  type RouteStrategy,
  type RoutingPolicy,
} from "./policy";
import { preferenceFilters, type RequestPreferences } from "./preferences";

/** Health scores below this put a deployment after its healthy peers. */
export const DEMOTE_BELOW = 0.5;

/** What the planner reads from health (lib/routing/health.ts HealthTracker fits it). */
export interface HealthView {
  isAvailable(id: string): boolean;
  /** `peers`: the model's other candidates, which latency is compared with. */
  snapshot(
    id: string,
    peers?: string[],
  ):
    | {
        score: number;
        ttft?: { p95: number | null } | null;
        circuit: string;
        cooldownUntil: number | null;
        openUntil?: number | null;
      }
    | undefined;
}

export interface PlanInput {
  model: CatalogModel;
  /** The policy in force (mergePolicies(platform, workspace)). */
  policy: RoutingPolicy;
  /** Capabilities the request uses (tools, vision, json_schema). */
  need: string[];
  prefs: RequestPreferences;
  health: HealthView;
  now: Date;
  /** Share of the workspace's monthly budget used so far, for the spend rule. */
  budgetUsedPercent?: number;
  /** The workspace's zero-data-retention setting: only providers marked noDataRetention may serve. */
  zeroDataRetention?: boolean;
  /** Set when planning the model a spend rule remapped to: spend rules then apply no further (one hop). */
  remappedFrom?: string;
  /** For `weighted`; Math.random by default. */
  random?: () => number;
}

export interface ExplainEntry {
  deploymentId: string;
  provider: string;
  upstreamModel: string;
  region: string | null;
  included: boolean;
  /** 1-based try order, for included deployments. */
  position?: number;
  reason: string;
}

export interface RoutePlan {
  remapTo?: undefined;
  model: string;
  /** The `match` of the rule applied, or null (none matched: priority over everything). */
  rule: string | null;
  /** In try order; never more than maxAttempts. */
  candidates: CatalogDeployment[];
  strategy: RouteStrategy["type"];
  /** Where the strategy came from: the rule, one of its schedules, or the request. */
  strategySource: string;
  timeouts: Partial<RelayTimeouts>;
  maxAttempts: number;
  /** The region constraint in force (null: none), to name it when every candidate fails. */
  region: string[] | null;
  /** Every deployment of the model: included ones in try order, then the excluded ones. */
  explain: ExplainEntry[];
}

/** The spend rule fired: plan `remapTo` instead (with `remappedFrom` set). */
export interface RouteRemap {
  remapTo: string;
  model: string;
  reason: string;
  explain: ExplainEntry[];
}

export type RouteDecision = RoutePlan | RouteRemap;

interface Cand {
  d: CatalogDeployment;
  /** Catalog order (already deployment priority order). */
  idx: number;
  /** Position of the first rule candidate selector naming it (0 without candidates). */
  sel: number;
  /** "rule candidate N" when the rule lists candidates. */
  selLabel?: string;
  score: number;
  p95: number | null;
  notes: string[];
}

const usd = (micros: bigint) => `$${Number(micros) / 1e6}/M`;
const list = (xs: readonly string[]) => `[${xs.join(", ")}]`;

function entry(d: CatalogDeployment, included: boolean, reason: string, position?: number): ExplainEntry {
  return {
    deploymentId: d.id,
    provider: d.provider.name,
    upstreamModel: d.upstreamModel,
    region: d.provider.region,
    included,
    ...(position !== undefined ? { position } : {}),
    reason,
  };
}

function capabilityParam(need: string[]): string {
  return need.includes("tools") ? "tools" : need.includes("vision") ? "messages" : "response_format";
}

export function planRoute(input: PlanInput): RouteDecision {
  const { model, policy, need, prefs, health, now } = input;
  const rule = findRule(policy, model);
  const all = model.deployments;

  // Spend: past the budget threshold the whole request goes to another model (one hop).
  const spend = rule?.spend;
  const used = input.budgetUsedPercent;
  if (spend && used !== undefined && used >= spend.overBudgetPercent && !input.remappedFrom) {
    if (spend.model !== model.name && !model.aliases.includes(spend.model)) {
      const reason = `spend rule: ${used}% of the monthly budget used (>= ${spend.overBudgetPercent}%), so \`${spend.model}\` serves this request`;
      return {
        remapTo: spend.model,
        model: model.name,
        reason,
        explain: all.map((d) => entry(d, false, reason)),
      };
    }
  }

  const excluded = new Map<string, string>();
  let live = all.map((d, idx): Cand => ({ d, idx, sel: 0, score: 1, p95: null, notes: [] }));
  /** Drops what `exclude` gives a reason for; `onEmpty` throws when nothing is left. */
  const narrow = (exclude: (c: Cand) => string | null, onEmpty?: () => AppError) => {
    live = live.filter((c) => {
      const why = exclude(c);
      if (why !== null) excluded.set(c.d.id, why);
      return why === null;
    });
    if (live.length === 0 && onEmpty) throw onEmpty();
  };

  // Rule candidates: only the deployments its selectors name, in selector order.
  const selectors = rule?.candidates;
  if (selectors) {
    const why = `not among rule "${rule.match}" candidates ${list(selectors)}`;
    narrow(
      (c) => {
        c.sel = selectorIndex(selectors, c.d);
        c.selLabel = `rule candidate ${c.sel + 1}`;
        return c.sel < 0 ? why : null;
      },
      () =>
        new AppError(
          "service_unavailable",
          `The routing policy's rule "${rule.match}" names no deployment of \`${model.name}\` (candidates ${list(selectors)}).`,
        ),
    );
  }

  // Region: never widened, never fallen back from.
  const region = intersectRegions(policy.region, rule?.region) ?? null;
  if (region) {
    const where = [...new Set(all.map((d) => d.provider.region ?? "unknown"))].join(", ");
    const constraint = region.length
      ? `region constraint ${list(region)}`
      : "region constraints (the platform's and the workspace's do not overlap)";
    narrow(
      ({ d }) =>
        region.some((r) => regionAllows(r, d.provider.region))
          ? null
          : `region ${d.provider.region ?? "unknown"} not in ${list(region)}`,
      () =>
        new AppError(
          "permission_denied",
          `The routing policy's ${constraint} leaves no deployment of \`${model.name}\` (its deployments are in: ${where}).`,
        ),
    );
  }

  // Workspace zero data retention: like the region, a constraint of the workspace, never fallen back from.
  if (input.zeroDataRetention) {
    narrow(
      ({ d }) =>
        d.provider.noDataRetention
          ? null
          : `provider ${d.provider.name} may retain data (workspace requires zero data retention)`,
      () =>
        new AppError(
          "permission_denied",
          `The workspace requires zero data retention and no provider of \`${model.name}\` is marked as retaining no data.`,
        ),
    );
  }

  // Capabilities the request uses.
  if (need.length) {
    narrow(
      ({ d }) => {
        const missing = need.filter((n) => !d.capabilities.has(n));
        return missing.length ? `lacks capability ${missing.join(", ")}` : null;
      },
      () =>
        new AppError(
          "invalid_request",
          `No deployment of \`${model.name}\`${region ? ` in region ${list(region)}` : ""} supports ${need.join(", ")}, which this request uses.`,
          { param: capabilityParam(need) },
        ),
    );
  }

  // Request preferences: narrow only.
  for (const f of preferenceFilters(prefs)) {
    narrow(
      ({ d }) => f.exclude(d),
      () =>
        new AppError(
          "invalid_request",
          `No deployment of \`${model.name}\` allowed by the routing policy satisfies the request's \`${f.param}\`.`,
          { param: f.param },
        ),
    );
  }

  // Health: read once per deployment; drop the unavailable unless nothing else is left.
  const down = new Map<string, string>();
  for (const c of live) {
    const snap = health.snapshot(
      c.d.id,
      live.filter((o) => o !== c).map((o) => o.d.id),
    );
    const p95 = snap?.ttft?.p95;
    c.p95 = typeof p95 === "number" && Number.isFinite(p95) ? p95 : null;
    c.score = snap ? Math.max(0, Math.min(1, snap.score)) : 1;
    if (!health.isAvailable(c.d.id)) down.set(c.d.id, unavailableReason(snap, now));
  }
  if (down.size < live.length) narrow((c) => down.get(c.d.id) ?? null);
  else for (const c of live) c.notes.push(`last resort, every candidate is unavailable: ${down.get(c.d.id)}`);

  // Order: the request's sort replaces the strategy; provider.order goes first.
  const { strategy, source } = prefs.sort
    ? {
        strategy: { type: prefs.sort === "price" ? "lowest-cost" : "lowest-latency" } as RouteStrategy,
        source: `request sort ${prefs.sort}${prefs.sort === "throughput" ? " (approximated by p95 time to first token)" : ""}`,
      }
    : strategyAt(rule, now);
  const ordered = orderBy(strategy, live, input.random ?? Math.random);
  if (prefs.order.length) {
    const n = prefs.order.length;
    const rank = (c: Cand) => (selectorIndex(prefs.order, c.d) + n + 1) % (n + 1); // unnamed: n, after the named
    ordered.sort((a, b) => rank(a) - rank(b)); // stable: the strategy's order within each rank
    for (const c of ordered) if (rank(c) < n) c.notes.push(`request provider.order #${rank(c) + 1}`);
  }

  // Fallbacks and attempts.
  const configured = rule?.retries?.maxAttempts ?? policy.defaults?.retries?.maxAttempts ?? ordered.length;
  const maxAttempts = prefs.allowFallbacks ? Math.min(configured, ordered.length) : 1;
  const candidates = ordered.slice(0, maxAttempts);
  const cut = prefs.allowFallbacks
    ? `beyond retries.maxAttempts ${maxAttempts}`
    : "request provider.allow_fallbacks is false: only the first candidate";
  for (const c of ordered.slice(maxAttempts)) excluded.set(c.d.id, cut);

  return {
    model: model.name,
    rule: rule?.match ?? null,
    candidates: candidates.map((c) => c.d),
    strategy: strategy.type,
    strategySource: source,
    timeouts: { ...policy.defaults?.timeouts, ...rule?.timeouts },
    maxAttempts,
    region,
    explain: [
      ...candidates.map((c, i) =>
        entry(c.d, true, `#${i + 1} ${strategy.type}: ${c.notes.join("; ")}`, i + 1),
      ),
      ...all.filter((d) => excluded.has(d.id)).map((d) => entry(d, false, excluded.get(d.id)!)),
    ],
  };
}

function unavailableReason(snap: ReturnType<HealthView["snapshot"]>, now: Date): string {
  const parts: string[] = [];
  if (snap?.circuit === "open")
    parts.push(`circuit open${snap.openUntil ? ` until ${new Date(snap.openUntil).toISOString()}` : ""}`);
  else if (snap && snap.circuit !== "closed") parts.push(`circuit ${snap.circuit}, no trial slot free`);
  if (snap?.cooldownUntil && snap.cooldownUntil > now.getTime())
    parts.push(`cooling down until ${new Date(snap.cooldownUntil).toISOString()}`);
  return parts.join("; ") || "unavailable";
}

/** Base order: rule candidate order, then deployment priority, then catalog order. */
const byBase = (a: Cand, b: Cand) => a.sel - b.sel || a.d.priority - b.d.priority || a.idx - b.idx;
const blended = (c: Cand) => c.d.prices.input + c.d.prices.output;
const byCost = (a: Cand, b: Cand) => (blended(a) < blended(b) ? -1 : blended(a) > blended(b) ? 1 : 0);
/** Known latency ascending, unknown after. */
const byLatency = (a: Cand, b: Cand) => (a.p95 ?? Infinity) - (b.p95 ?? Infinity) || 0;
const demoted = (c: Cand) => (c.score < DEMOTE_BELOW ? 1 : 0);
const ms = (p95: number | null) => (p95 === null ? "p95 TTFT unknown" : `p95 TTFT ${Math.round(p95)} ms`);

/** Candidates in the strategy's order, demoted ones after their healthy peers; notes say why. */
function orderBy(strategy: RouteStrategy, cands: Cand[], random: () => number): Cand[] {
  let out: Cand[];
  if (strategy.type === "weighted") out = weightedOrder(strategy.weights, cands, random);
  else {
    const [compare, note] = ranking(strategy);
    out = [...cands].sort((a, b) => demoted(a) - demoted(b) || compare(a, b) || byBase(a, b));
    for (const c of out) c.notes.unshift(note(c));
  }
  for (const c of out)
    if (demoted(c)) c.notes.push(`demoted: health score ${c.score.toFixed(2)} < ${DEMOTE_BELOW}`);
  return out;
}

type Ranking = [compare: (a: Cand, b: Cand) => number, note: (c: Cand) => string];

function ranking(strategy: Exclude<RouteStrategy, { type: "weighted" }>): Ranking {
  switch (strategy.type) {
    case "priority":
      return [() => 0, (c) => `${c.selLabel ? `${c.selLabel}, ` : ""}deployment priority ${c.d.priority}`];
    case "lowest-latency":
      return [byLatency, (c) => ms(c.p95)];
    case "lowest-cost":
      return [byCost, (c) => `blended price ${usd(blended(c))} (input + output)`];
    case "cost-within-latency": {
      // Unknown latency counts as within the bound, so a deployment without recent samples gets traffic again.
      const bound = strategy.maxP95TtftMs;
      const over = (c: Cand) => (c.p95 !== null && c.p95 > bound ? 1 : 0);
      const within = (c: Cand) => (over(c) ? "over" : c.p95 === null ? "(assumed within)" : "within");
      return [
        (a, b) => over(a) - over(b) || (over(a) ? byLatency(a, b) : byCost(a, b)),
        (c) => `blended price ${usd(blended(c))}, ${ms(c.p95)} ${within(c)} ${bound} ms`,
      ];
    }
  }
}

/**
 * Weighted random order without replacement: each draw picks among the rest with probability proportional to
 * weight × health score (weightOf in policy.ts); zero-weight ones follow in base order.
 */
function weightedOrder(weights: Record<string, number>, cands: Cand[], random: () => number): Cand[] {
  const out: Cand[] = [];
  for (const tier of [0, 1]) {
    const pool = cands
      .filter((c) => demoted(c) === tier)
      .sort(byBase)
      .map((c) => ({ c, w: weightOf(weights, c.d), eff: weightOf(weights, c.d) * c.score }));
    const zero = pool.filter((p) => p.eff <= 0);
    let rest = pool.filter((p) => p.eff > 0);
    while (rest.length) {
      const total = rest.reduce((s, p) => s + p.eff, 0);
      let r = random() * total;
      let i = rest.findIndex((p) => (r -= p.eff) < 0);
      if (i < 0) i = rest.length - 1; // float rounding at the top end
      out.push(rest[i]!.c);
      rest = rest.filter((_, j) => j !== i);
    }
    out.push(...zero.map((p) => p.c));
    for (const p of pool)
      p.c.notes.unshift(`weight ${p.w} × health ${p.c.score.toFixed(2)} = ${+p.eff.toFixed(3)}`);
  }
  return out;
}
