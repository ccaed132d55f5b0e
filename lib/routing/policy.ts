// The routing policy: one zod schema (STYLE "Data as data"), parsed by the relay and reused by the dashboard editor,
// whose inline messages are the ones written here. A policy maps a requested model (exact name, alias or "*") to
// candidate deployments, a strategy (a discriminated union on `type`), optional time-of-day schedules, a spend rule,
// region constraints and retry/timeout settings. This module also holds the policy's matching semantics (rule
// lookup, selectors, regions, schedules) so the planner and the editor's preview agree.
import { z } from "zod";
import type { CatalogDeployment, CatalogModel } from "@/lib/catalog/catalog";

type Issue = { code: string; input?: unknown; keys?: string[] };

/** "is required" when missing, else "must be <expected>". */
const expect = (expected: string) => ({
  error: (iss: Issue) => (iss.input === undefined ? "is required" : `must be ${expected}`),
});

/** A strict object: unknown fields are reported with the list of allowed ones (typos show in the editor). */
function obj<S extends z.ZodRawShape>(shape: S, what: string) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss: Issue) =>
      iss.code === "unrecognized_keys"
        ? `unknown field${iss.keys && iss.keys.length > 1 ? "s" : ""} ${(iss.keys ?? []).map((k) => `"${k}"`).join(", ")} (allowed: ${allowed})`
        : iss.input === undefined
          ? "is required"
          : `must be ${what}`,
  });
}

const Text = (what: string) => z.string(expect(what)).trim().min(1, `must not be empty (${what})`);

/** A deployment id (`dep_...`), `providerName/upstreamModel`, or a provider name. Matched case-insensitively. */
export const Selector = Text("a deployment id, providerName/upstreamModel or a provider name");

export const STRATEGY_TYPES = [
  "priority",
  "weighted",
  "lowest-latency",
  "lowest-cost",
  "cost-within-latency",
] as const;

export const RouteStrategy = z.discriminatedUnion(
  "type",
  [
    obj({ type: z.literal("priority") }, "a strategy object"),
    obj(
      {
        type: z.literal("weighted"),
        weights: z
          .record(
            Selector,
            z.number(expect("a number")).min(0, "must be 0 or more"),
            expect("an object of weights"),
          )
          .refine((w) => Object.values(w).some((v) => v > 0), "needs at least one weight above 0"),
      },
      "a strategy object",
    ),
    obj({ type: z.literal("lowest-latency") }, "a strategy object"),
    obj({ type: z.literal("lowest-cost") }, "a strategy object"),
    obj(
      {
        type: z.literal("cost-within-latency"),
        maxP95TtftMs: z
          .number(expect("a number of milliseconds"))
          .int("must be whole milliseconds")
          .positive("must be above 0"),
      },
      "a strategy object",
    ),
  ],
  {
    error: (iss: Issue) =>
      iss.code === "invalid_union"
        ? `strategy type must be one of ${STRATEGY_TYPES.map((t) => `"${t}"`).join(", ")}`
        : 'must be a strategy object such as { "type": "priority" }',
  },
);
export type RouteStrategy = z.infer<typeof RouteStrategy>;

export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Day = (typeof DAYS)[number];

const Time = z
  .string(expect('a time "HH:MM"'))
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time "HH:MM", e.g. "22:00"');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const Schedule = obj(
  {
    days: z
      .array(z.enum(DAYS, { error: `each day must be one of ${DAYS.join(", ")}` }), expect("a list of days"))
      .min(1, "list at least one day, or omit days for every day")
      .optional(),
    /** Inclusive start; `to` is exclusive. `to` before `from` wraps past midnight; equal means 24 hours. */
    from: Time,
    to: Time,
    /** IANA zone the times and days are read in; UTC when omitted. */
    timeZone: z
      .string(expect("an IANA time zone name"))
      .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Paris" or "UTC"')
      .optional(),
    strategy: RouteStrategy,
  },
  "a schedule object",
);
export type Schedule = z.infer<typeof Schedule>;

const Region = Text("a region such as eu or us").toLowerCase();
const Regions = z
  .array(Region, expect("a list of regions"))
  .min(1, "list at least one region, or omit region to allow all");

const Retries = obj(
  {
    maxAttempts: z
      .number(expect("a whole number"))
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(10, "must be at most 10"),
  },
  "a retries object",
);
const Ms = z
  .number(expect("a number of milliseconds"))
  .int("must be whole milliseconds")
  .positive("must be above 0")
  .max(600_000, "must be at most 600000 (10 minutes)");
/** Partial RelayTimeouts (lib/gateway/dispatch.ts). */
const Timeouts = obj(
  {
    connectMs: Ms.optional(),
    totalMs: Ms.optional(),
    firstTokenMs: Ms.optional(),
    idleMs: Ms.optional(),
    streamTotalMs: Ms.optional(),
  },
  "a timeouts object",
);

export const RoutingRule = obj(
  {
    /** A model's public name, one of its aliases, or "*". Most specific wins: exact name > alias > "*". */
    match: Text('a model name, alias or "*"'),
    /** Selectors in priority order; deployments matched by none are not used. Default: all of the model's. */
    candidates: z
      .array(Selector, expect("a list of deployment selectors"))
      .min(1, "list at least one deployment, or omit candidates for all")
      .optional(),
    strategy: RouteStrategy.default({ type: "priority" }),
    /** The first schedule matching the current time replaces `strategy`. */
    schedules: z.array(Schedule, expect("a list of schedules")).optional(),
    /** Past `overBudgetPercent` of the workspace's monthly budget, requests go to `model` instead. */
    spend: obj(
      {
        overBudgetPercent: z
          .number(expect("a percentage"))
          .min(0, "must be 0 or more")
          .max(1000, "must be at most 1000"),
        model: Text("a model name"),
      },
      "a spend object",
    ).optional(),
    region: Regions.optional(),
    retries: Retries.optional(),
    timeouts: Timeouts.optional(),
  },
  "a rule object",
);
export type RoutingRule = z.infer<typeof RoutingRule>;

export const RoutingPolicy = obj(
  {
    rules: z.array(RoutingRule, expect("a list of rules")).default([]),
    /** Allowed regions for every rule (a rule's own region narrows it further). */
    region: Regions.optional(),
    defaults: obj(
      { retries: Retries.optional(), timeouts: Timeouts.optional() },
      "a defaults object",
    ).optional(),
  },
  "a routing policy object",
).superRefine((p, ctx) => {
  const seen = new Map<string, number>();
  p.rules.forEach((r, i) => {
    const first = seen.get(r.match);
    if (first === undefined) seen.set(r.match, i);
    else
      ctx.addIssue({
        code: "custom",
        path: ["rules", i, "match"],
        message: `"${r.match}" is already matched by rule ${first + 1}`,
      });
  });
});
export type RoutingPolicy = z.infer<typeof RoutingPolicy>;
/** What the editor form holds before parsing (defaults not yet filled). */
export type RoutingPolicyInput = z.input<typeof RoutingPolicy>;

/** Priority order over every deployment, no constraints: what applies when neither operator nor workspace set one. */
export const DEFAULT_POLICY: RoutingPolicy = RoutingPolicy.parse({
  rules: [{ match: "*", strategy: { type: "priority" } }],
});

/** Every validation problem as `{ path: "rules[0].strategy.type", message }`, for inline display in the editor. */
export function policyIssues(input: unknown): Array<{ path: string; message: string }> {
  const r = RoutingPolicy.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => ({
    path: i.path.reduce<string>(
      (acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
      "",
    ),
    message: i.message,
  }));
}

// ---------- workspace constraints ----------

/**
 * Routing constraints from the workspace's settings (Tenant.region, Tenant.zeroDataRetention), applied on top of
 * every policy: they only narrow. `region` behaves like a top-level policy region; zero data retention keeps only
 * providers marked noDataRetention in the catalog.
 */
export interface WorkspaceConstraints {
  region: string | null;
  zeroDataRetention: boolean;
}

/** The policy in force narrowed by the workspace's region setting (unchanged without one). */
export function applyWorkspaceRegion(
  policy: RoutingPolicy,
  region: string | null | undefined,
): RoutingPolicy {
  if (!region) return policy;
  return { ...policy, region: intersectRegions(policy.region, [region.toLowerCase()]) };
}

// ---------- regions ----------

/** "eu" allows "eu", "eu-west", "eu-central-1" (case-insensitive); a deployment with no region is in none. */
export function regionAllows(allowed: string, region: string | null): boolean {
  if (!region) return false;
  const r = region.toLowerCase();
  return r === allowed || r.startsWith(`${allowed}-`);
}

/** The regions allowed by both lists (the narrower of each overlapping pair); [] when they do not overlap. */
export function intersectRegions(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a) return b;
  if (!b) return a;
  const out = new Set<string>();
  for (const x of a)
    for (const y of b) {
      if (regionAllows(x, y)) out.add(y);
      else if (regionAllows(y, x)) out.add(x);
    }
  return [...out];
}

/**
 * The policy in force: the workspace's rule for a `match` replaces the platform's rule for the same `match`, but
 * regions only narrow (platform ∩ workspace, top level and per rule). An empty intersection means no region is
 * allowed (the planner then denies with 403). Workspace defaults override the platform's field by field.
 */
export function mergePolicies(
  platform: RoutingPolicy | null | undefined,
  tenant: RoutingPolicy | null | undefined,
): RoutingPolicy {
  const base = platform ?? DEFAULT_POLICY;
  if (!tenant) return base;
  const platformRules = new Map(base.rules.map((r) => [r.match, r]));
  const tenantMatches = new Set(tenant.rules.map((r) => r.match));
  const rules = [
    ...tenant.rules.map((r) => {
      const region = intersectRegions(platformRules.get(r.match)?.region, r.region);
      return region ? { ...r, region } : r;
    }),
    ...base.rules.filter((r) => !tenantMatches.has(r.match)),
  ];
  const region = intersectRegions(base.region, tenant.region);
  const retries = tenant.defaults?.retries ?? base.defaults?.retries;
  const timeouts =
    base.defaults?.timeouts || tenant.defaults?.timeouts
      ? { ...base.defaults?.timeouts, ...tenant.defaults?.timeouts }
      : undefined;
  return {
    rules,
    ...(region ? { region } : {}),
    ...(retries || timeouts
      ? { defaults: { ...(retries ? { retries } : {}), ...(timeouts ? { timeouts } : {}) } }
      : {}),
  };
}

// ---------- rules and selectors ----------

/** The rule for a model: its exact name, else one of its aliases (first such rule), else "*", else none. */
export function findRule(
  policy: RoutingPolicy,
  model: Pick<CatalogModel, "name" | "aliases">,
): RoutingRule | undefined {
  return (
    policy.rules.find((r) => r.match === model.name) ??
    policy.rules.find((r) => model.aliases.includes(r.match)) ??
    policy.rules.find((r) => r.match === "*")
  );
}

/** How specifically `selector` names `d`: 3 its id, 2 provider/upstreamModel, 1 its provider, 0 not at all. */
export function selectorRank(selector: string, d: CatalogDeployment): number {
  const s = selector.toLowerCase();
  if (s === d.id.toLowerCase()) return 3;
  if (s === `${d.provider.name}/${d.upstreamModel}`.toLowerCase()) return 2;
  if (s === d.provider.name.toLowerCase()) return 1;
  return 0;
}

/** A weighted strategy's weight for `d`: that of the most specific selector naming it, 0 if none does. */
export function weightOf(weights: Record<string, number>, d: CatalogDeployment): number {
  let best = 0;
  let weight = 0;
  for (const [selector, w] of Object.entries(weights)) {
    const rank = selectorRank(selector, d);
    if (rank > best) [best, weight] = [rank, w];
  }
  return weight;
}

/** Index of the first selector naming `d`, or -1. */
export function selectorIndex(selectors: readonly string[], d: CatalogDeployment): number {
  return selectors.findIndex((s) => selectorRank(s, d) > 0);
}

// ---------- schedules ----------

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Weekday and minutes since midnight of `now` in `timeZone`. */
export function localTime(now: Date, timeZone = "UTC"): { day: Day; minutes: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  const day = (parts.weekday ?? "Mon").slice(0, 3).toLowerCase() as Day;
  return { day, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `now` falls in the schedule. Days name the day a window starts on: "fri 22:00-06:00" covers Friday
 * 22:00 to Saturday 06:00.
 */
export function scheduleActive(s: Schedule, now: Date): boolean {
  const { day, minutes } = localTime(now, s.timeZone);
  const from = toMinutes(s.from);
  const to = toMinutes(s.to);
  const onDay = (d: Day) => !s.days || s.days.includes(d);
  if (from < to) return onDay(day) && minutes >= from && minutes < to;
  const yesterday = DAYS[(DAYS.indexOf(day) + 6) % 7]!;
  return (onDay(day) && minutes >= from) || (onDay(yesterday) && minutes < to);
}

/** The rule's strategy now, and where it came from ("rule" or "schedule N"). */
export function strategyAt(
  rule: RoutingRule | undefined,
  now: Date,
): { strategy: RouteStrategy; source: string } {
  if (!rule) return { strategy: { type: "priority" }, source: "no matching rule" };
  const i = rule.schedules?.findIndex((s) => scheduleActive(s, now)) ?? -1;
  if (i >= 0) {
    const s = rule.schedules![i]!;
    return {
      strategy: s.strategy,
      source: `schedule ${i + 1} (${s.days ? `${s.days.join(",")} ` : ""}${s.from}-${s.to} ${s.timeZone ?? "UTC"})`,
    };
  }
  return { strategy: rule.strategy, source: `rule "${rule.match}"` };
}
