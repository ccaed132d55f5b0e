import { describe, expect, it } from "vitest";
import type { CatalogDeployment, CatalogModel } from "@/lib/catalog/catalog";
import { AppError } from "@/lib/errors";
import type { HealthTracker } from "./health";
import { planRoute, type HealthView, type PlanInput, type RoutePlan } from "./plan";
import { applyWorkspaceRegion, DEFAULT_POLICY, mergePolicies, RoutingPolicy } from "./policy";
import { NO_PREFERENCES, parseRequestPreferences } from "./preferences";
import { testDeployment as dep } from "./test-deployments";

function model(deployments: CatalogDeployment[]): CatalogModel {
  return {
    id: "mdl_1",
    name: "gpt-4o",
    aliases: ["4o"],
    kind: "chat",
    description: null,
    createdAt: new Date(0),
    deployments,
  };
}

interface H {
  score?: number;
  p95?: number | null;
  available?: boolean;
  circuit?: string;
  cooldownUntil?: number | null;
}

function health(map: Record<string, H> = {}): HealthView & { peers: Record<string, string[]> } {
  const peers: Record<string, string[]> = {};
  return {
    peers,
    isAvailable: (id) => map[id]?.available ?? true,
    snapshot: (id, p) => {
      peers[id] = p ?? [];
      const h = map[id];
      if (!h) return undefined;
      return {
        score: h.score ?? 1,
        ttft: h.p95 === undefined ? null : { p95: h.p95 },
        circuit: h.circuit ?? "closed",
        cooldownUntil: h.cooldownUntil ?? null,
      };
    },
  };
}

/** Compile-time contract: the real tracker is a HealthView. */
export const trackerIsHealthView = (h: HealthTracker): HealthView => h;

const NOW = new Date("2025-01-06T12:00:00Z"); // Monday noon UTC

// Three deployments: A (us, priority 0, mid price), B (eu, priority 1, cheap), C (us, priority 2, expensive).
const A = dep("dep_a", "openai", { region: "us", priority: 0, input: 2.5, output: 10 });
const B = dep("dep_b", "mistral", { region: "eu-west", priority: 1, input: 0.5, output: 1.5 });
const C = dep("dep_c", "azure", { region: "us-east", priority: 2, input: 5, output: 15, caps: ["vision"] });
const M = model([A, B, C]);

const policy = (p: unknown) => RoutingPolicy.parse(p);
const withStrategy = (strategy: unknown, extra: object = {}) =>
  policy({ rules: [{ match: "gpt-4o", strategy, ...extra }] });

function plan(over: Partial<PlanInput> = {}): RoutePlan {
  const out = planRoute({
    model: M,
    policy: DEFAULT_POLICY,
    need: [],
    prefs: NO_PREFERENCES,
    health: health(),
    now: NOW,
    ...over,
  });
  if (out.remapTo !== undefined) throw new Error(`remapped to ${out.remapTo}`);
  return out;
}
const ids = (p: RoutePlan) => p.candidates.map((d) => d.id);
const prefs = (body: unknown, headers: Record<string, string> = {}) => parseRequestPreferences(headers, body);

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("did not throw");
}

describe("strategies", () => {
  it("priority: deployment priority by default, the rule's candidate order when given", () => {
    const p = plan();
    expect(ids(p)).toEqual(["dep_a", "dep_b", "dep_c"]);
    expect(p.strategy).toBe("priority");
    expect(p.maxAttempts).toBe(3);
    const q = plan({ policy: withStrategy({ type: "priority" }, { candidates: ["azure", "dep_b"] }) });
    expect(ids(q)).toEqual(["dep_c", "dep_b"]);
    expect(q.explain.find((e) => e.deploymentId === "dep_a")).toMatchObject({
      included: false,
      reason: 'not among rule "gpt-4o" candidates [azure, dep_b]',
    });
    expect(q.explain[0]!.reason).toBe("#1 priority: rule candidate 1, deployment priority 2");
  });

  it("weighted: weighted random order, weight × health score, zero weights last", () => {
    const p = withStrategy({ type: "weighted", weights: { openai: 3, "mistral/gpt-4o": 1 } });
    // First draw: total 4; r=0.5*4=2 falls in openai's [0,3). Then mistral; azure (no weight) last.
    expect(ids(plan({ policy: p, random: () => 0.5 }))).toEqual(["dep_a", "dep_b", "dep_c"]);
    // r=0.9*4=3.6 falls in mistral's [3,4).
    expect(ids(plan({ policy: p, random: () => 0.9 }))).toEqual(["dep_b", "dep_a", "dep_c"]);
    // openai degraded to 0.6: weights 1.8 and 1; r=0.7*2.8=1.96 falls in mistral's [1.8, 2.8).
    const h = health({ dep_a: { score: 0.6 } });
    const q = plan({ policy: p, random: () => 0.7, health: h });
    expect(ids(q)).toEqual(["dep_b", "dep_a", "dep_c"]);
    expect(q.explain[1]!.reason).toBe("#2 weighted: weight 3 × health 0.60 = 1.8");
    // Over many draws the split follows the weights.
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const first = { dep_a: 0, dep_b: 0 } as Record<string, number>;
    for (let i = 0; i < 4000; i++) first[ids(plan({ policy: p, random: rand }))[0]!]! += 1;
    expect(first.dep_a! / 4000).toBeGreaterThan(0.7);
    expect(first.dep_a! / 4000).toBeLessThan(0.8);
  });

  it("lowest-latency: p95 TTFT ascending, unknown after known, demoted after both", () => {
    const h = health({ dep_a: { p95: 900 }, dep_b: { p95: 300 }, dep_c: {} });
    const p = plan({ policy: withStrategy({ type: "lowest-latency" }), health: h });
    expect(ids(p)).toEqual(["dep_b", "dep_a", "dep_c"]);
    expect(p.explain.map((e) => e.reason)).toEqual([
      "#1 lowest-latency: p95 TTFT 300 ms",
      "#2 lowest-latency: p95 TTFT 900 ms",
      "#3 lowest-latency: p95 TTFT unknown",
    ]);
    const sick = health({ dep_a: { p95: 100, score: 0.3 }, dep_b: { p95: 300 } });
    expect(ids(plan({ policy: withStrategy({ type: "lowest-latency" }), health: sick }))).toEqual([
      "dep_b",
      "dep_c",
      "dep_a",
    ]);
  });

  it("lowest-cost: blended input + output price, ties by priority", () => {
    const p = plan({ policy: withStrategy({ type: "lowest-cost" }) });
    expect(ids(p)).toEqual(["dep_b", "dep_a", "dep_c"]);
    expect(p.explain[0]!.reason).toBe("#1 lowest-cost: blended price $2/M (input + output)");
    const twins = model([dep("dep_x", "x", { priority: 1 }), dep("dep_y", "y", { priority: 0 })]);
    expect(ids(plan({ model: twins, policy: withStrategy({ type: "lowest-cost" }) }))).toEqual([
      "dep_y",
      "dep_x",
    ]);
  });

  it("cost-within-latency: cheapest under the bound, the rest after by latency", () => {
    const s = withStrategy({ type: "cost-within-latency", maxP95TtftMs: 800 });
    const fine = health({ dep_a: { p95: 500 }, dep_b: { p95: 700 }, dep_c: { p95: 200 } });
    expect(ids(plan({ policy: s, health: fine }))).toEqual(["dep_b", "dep_a", "dep_c"]);
    // The cheap one's p95 crosses the bound: it moves behind every deployment within it.
    const slow = health({ dep_a: { p95: 500 }, dep_b: { p95: 1500 }, dep_c: { p95: 900 } });
    const p = plan({ policy: s, health: slow });
    expect(ids(p)).toEqual(["dep_a", "dep_c", "dep_b"]);
    expect(p.explain.map((e) => e.reason)).toEqual([
      "#1 cost-within-latency: blended price $12.5/M, p95 TTFT 500 ms within 800 ms",
      "#2 cost-within-latency: blended price $20/M, p95 TTFT 900 ms over 800 ms",
      "#3 cost-within-latency: blended price $2/M, p95 TTFT 1500 ms over 800 ms",
    ]);
    // Unknown latency is assumed within the bound, so a deployment without samples gets traffic again.
    expect(ids(plan({ policy: s, health: health({ dep_a: { p95: 500 } }) }))[0]).toBe("dep_b");
  });
});

describe("rules and schedules", () => {
  it("uses the most specific rule: exact name, then alias, then *", () => {
    const p = policy({
      rules: [
        { match: "*", strategy: { type: "lowest-cost" } },
        { match: "4o", strategy: { type: "lowest-latency" } },
      ],
    });
    expect(plan({ policy: p }).strategy).toBe("lowest-latency");
    expect(plan({ policy: p }).rule).toBe("4o");
    expect(
      plan({ policy: policy({ rules: [{ match: "*", strategy: { type: "lowest-cost" } }] }) }).rule,
    ).toBe("*");
    expect(plan({ policy: policy({ rules: [{ match: "claude" }] }) }).rule).toBeNull();
  });

  it("lets an off-peak schedule (in its time zone, past midnight) prefer cost", () => {
    const p = withStrategy(
      { type: "priority" },
      {
        schedules: [
          { from: "22:00", to: "07:00", timeZone: "Europe/Paris", strategy: { type: "lowest-cost" } },
        ],
      },
    );
    expect(plan({ policy: p }).strategy).toBe("priority");
    const night = plan({ policy: p, now: new Date("2025-01-06T23:30:00Z") }); // 00:30 in Paris
    expect(night.strategy).toBe("lowest-cost");
    expect(night.strategySource).toBe("schedule 1 (22:00-07:00 Europe/Paris)");
    expect(ids(night)[0]).toBe("dep_b");
    expect(plan({ policy: p, now: new Date("2025-01-06T06:30:00Z") }).strategy).toBe("priority"); // 07:30
  });

  it("takes retries and timeouts from the rule over the defaults", () => {
    const p = policy({
      defaults: { retries: { maxAttempts: 2 }, timeouts: { connectMs: 1000, totalMs: 9000 } },
      rules: [{ match: "gpt-4o", timeouts: { connectMs: 500 } }],
    });
    const out = plan({ policy: p });
    expect(out.maxAttempts).toBe(2);
    expect(ids(out)).toEqual(["dep_a", "dep_b"]);
    expect(out.timeouts).toEqual({ connectMs: 500, totalMs: 9000 });
    expect(out.explain[2]).toMatchObject({ deploymentId: "dep_c", included: false });
    expect(out.explain[2]!.reason).toBe("beyond retries.maxAttempts 2");
    const r = policy({ rules: [{ match: "*", retries: { maxAttempts: 9 } }] });
    expect(plan({ policy: r }).maxAttempts).toBe(3);
  });
});

describe("spend rule", () => {
  const p = withStrategy({ type: "priority" }, { spend: { overBudgetPercent: 80, model: "gpt-4o-mini" } });

  it("remaps to the cheaper model past the threshold, and explains it for every deployment", () => {
    const out = planRoute({
      model: M,
      policy: p,
      need: [],
      prefs: NO_PREFERENCES,
      health: health(),
      now: NOW,
      budgetUsedPercent: 85,
    });
    expect(out.remapTo).toBe("gpt-4o-mini");
    expect(out.explain).toHaveLength(3);
    expect(out.explain.every((e) => !e.included)).toBe(true);
    expect(out.explain[0]!.reason).toBe(
      "spend rule: 85% of the monthly budget used (>= 80%), so `gpt-4o-mini` serves this request",
    );
  });

  it("does not remap below the threshold, without a budget figure, or a second time", () => {
    expect(ids(plan({ policy: p, budgetUsedPercent: 79.9 }))).toHaveLength(3);
    expect(ids(plan({ policy: p }))).toHaveLength(3);
    expect(ids(plan({ policy: p, budgetUsedPercent: 95, remappedFrom: "gpt-4o" }))).toHaveLength(3);
    const self = withStrategy({ type: "priority" }, { spend: { overBudgetPercent: 50, model: "4o" } });
    expect(ids(plan({ policy: self, budgetUsedPercent: 95 }))).toHaveLength(3);
  });
});

describe("regions", () => {
  const eu = policy({ region: ["eu"] });

  it("never leaves the allowed regions, and says why", () => {
    const p = plan({ policy: eu });
    expect(ids(p)).toEqual(["dep_b"]);
    expect(p.region).toEqual(["eu"]);
    expect(p.explain.find((e) => e.deploymentId === "dep_a")!.reason).toBe("region us not in [eu]");
    const noRegion = model([dep("dep_n", "n", { region: null }), B]);
    expect(plan({ model: noRegion, policy: eu }).explain[1]!.reason).toBe("region unknown not in [eu]");
  });

  it("keeps down in-region deployments rather than falling back out of region", () => {
    const h = health({ dep_b: { available: false, circuit: "open", score: 0 } });
    const p = plan({ policy: eu, health: h });
    expect(ids(p)).toEqual(["dep_b"]);
    expect(p.explain[0]!.reason).toBe(
      "#1 priority: deployment priority 1; last resort, every candidate is unavailable: circuit open; demoted: health score 0.00 < 0.5",
    );
  });

  it("denies with 403 naming the constraint when no deployment is in region", () => {
    const err = thrown(() => plan({ policy: policy({ region: ["ap"] }) }));
    expect(err.code).toBe("permission_denied");
    expect(err.status).toBe(403);
    expect(err.message).toBe(
      "The routing policy's region constraint [ap] leaves no deployment of `gpt-4o` (its deployments are in: us, eu-west, us-east).",
    );
    const disjoint = mergePolicies(policy({ region: ["eu"] }), policy({ region: ["us"] }));
    expect(thrown(() => plan({ policy: disjoint })).message).toContain(
      "region constraints (the platform's and the workspace's do not overlap)",
    );
  });

  it("combines the policy's and the rule's regions", () => {
    const p = policy({ region: ["us"], rules: [{ match: "*", region: ["us-east"] }] });
    expect(ids(plan({ policy: p }))).toEqual(["dep_c"]);
  });

  it("cannot be widened by request preferences", () => {
    const p = plan({ policy: eu, prefs: prefs({ provider: { order: ["openai", "azure"], sort: "price" } }) });
    expect(ids(p)).toEqual(["dep_b"]);
    const err = thrown(() => plan({ policy: eu, prefs: prefs({ provider: { only: ["openai"] } }) }));
    expect(err.code).toBe("invalid_request");
    expect(err.param).toBe("provider.only");
  });
});

describe("capabilities", () => {
  it("excludes deployments lacking a needed capability", () => {
    const p = plan({ need: ["tools"] });
    expect(ids(p)).toEqual(["dep_a", "dep_b"]);
    expect(p.explain[2]).toMatchObject({
      deploymentId: "dep_c",
      included: false,
      reason: "lacks capability tools",
    });
  });

  it("fails with a 400 naming the param when none is able", () => {
    const onlyC = model([C]);
    expect(thrown(() => plan({ model: onlyC, need: ["tools"] }))).toMatchObject({
      code: "invalid_request",
      param: "tools",
    });
    expect(thrown(() => plan({ model: onlyC, need: ["json_schema"] })).param).toBe("response_format");
    const textOnly = model([dep("dep_t", "t", { caps: ["tools"] })]);
    expect(thrown(() => plan({ model: textOnly, need: ["vision"] })).param).toBe("messages");
    expect(
      thrown(() => plan({ model: onlyC, need: ["tools"], policy: policy({ region: ["us"] }) })).message,
    ).toBe("No deployment of `gpt-4o` in region [us] supports tools, which this request uses.");
  });
});

describe("request preferences narrow", () => {
  it("only, ignore and order", () => {
    expect(ids(plan({ prefs: prefs({ provider: { only: ["mistral", "azure"] } }) }))).toEqual([
      "dep_b",
      "dep_c",
    ]);
    expect(ids(plan({ prefs: prefs({ provider: { ignore: ["openai/gpt-4o"] } }) }))).toEqual([
      "dep_b",
      "dep_c",
    ]);
    const o = plan({ prefs: prefs({ provider: { order: ["azure", "mistral"] } }) });
    expect(ids(o)).toEqual(["dep_c", "dep_b", "dep_a"]);
    expect(o.explain[0]!.reason).toBe("#1 priority: deployment priority 2; request provider.order #1");
  });

  it("allow_fallbacks false keeps only the first candidate", () => {
    const p = plan({ prefs: prefs({ provider: { allow_fallbacks: false } }) });
    expect(ids(p)).toEqual(["dep_a"]);
    expect(p.maxAttempts).toBe(1);
    expect(p.explain[1]!.reason).toBe("request provider.allow_fallbacks is false: only the first candidate");
  });

  it("max_price and data_collection", () => {
    const cheap = plan({ prefs: prefs({ provider: { max_price: { prompt: 3, completion: 12 } } }) });
    expect(ids(cheap)).toEqual(["dep_a", "dep_b"]);
    expect(cheap.explain[2]!.reason).toBe("above max_price: input $5/M > $3/M");
    const z = model([A, dep("dep_z", "zdr-co", { zdr: true })]);
    expect(ids(plan({ model: z, prefs: prefs({ provider: { data_collection: "deny" } }) }))).toEqual([
      "dep_z",
    ]);
    expect(thrown(() => plan({ prefs: prefs({ provider: { data_collection: "deny" } }) })).param).toBe(
      "provider.data_collection",
    );
  });

  it("the header and provider.sort reorder within the allowed set", () => {
    const h = health({ dep_a: { p95: 900 }, dep_b: { p95: 300 }, dep_c: { p95: 100 } });
    const cost = plan({ prefs: prefs({}, { "x-switchyard-route": "cost" }), health: h });
    expect(ids(cost)).toEqual(["dep_b", "dep_a", "dep_c"]);
    expect(cost.strategySource).toBe("request sort price");
    expect(ids(plan({ prefs: prefs({}, { "x-switchyard-route": "latency" }), health: h }))).toEqual([
      "dep_c",
      "dep_b",
      "dep_a",
    ]);
    const narrowed = plan({
      policy: withStrategy({ type: "priority" }, { candidates: ["openai", "azure"] }),
      prefs: prefs({ provider: { sort: "price" } }),
    });
    expect(ids(narrowed)).toEqual(["dep_a", "dep_c"]); // sorting never brings back dep_b
  });
});

describe("health", () => {
  it("drops unavailable deployments and says why", () => {
    const until = NOW.getTime() + 5000;
    const h = health({
      dep_a: { available: false, circuit: "open", score: 0 },
      dep_b: { available: false, cooldownUntil: until, score: 0 },
    });
    const p = plan({ health: h });
    expect(ids(p)).toEqual(["dep_c"]);
    expect(p.explain.map((e) => [e.deploymentId, e.included, e.reason])).toEqual([
      ["dep_c", true, "#1 priority: deployment priority 2"],
      ["dep_a", false, "circuit open"],
      ["dep_b", false, "cooling down until 2025-01-06T12:00:05.000Z"],
    ]);
  });

  it("keeps every candidate, in order, when all are unavailable", () => {
    const h = health({
      dep_a: { available: false, circuit: "open" },
      dep_b: { available: false, circuit: "half-open" },
      dep_c: { available: false, circuit: "open" },
    });
    const p = plan({ health: h });
    expect(ids(p)).toEqual(["dep_a", "dep_b", "dep_c"]);
    expect(p.explain[1]!.reason).toContain("circuit half-open, no trial slot free");
  });

  it("demotes a degrading deployment behind its healthy peers before it fails", () => {
    const p = plan({ health: health({ dep_a: { score: 0.7 } }) });
    expect(ids(p)[0]).toBe("dep_a"); // still fine
    const q = plan({ health: health({ dep_a: { score: 0.4 } }) });
    expect(ids(q)).toEqual(["dep_b", "dep_c", "dep_a"]);
    expect(q.explain[2]!.reason).toBe("#3 priority: deployment priority 0; demoted: health score 0.40 < 0.5");
    const cost = plan({
      policy: withStrategy({ type: "lowest-cost" }),
      health: health({ dep_b: { score: 0.2 } }),
    });
    expect(ids(cost)).toEqual(["dep_a", "dep_c", "dep_b"]);
  });

  it("asks for each deployment's health with its peers", () => {
    const h = health();
    plan({ health: h, need: ["tools"] });
    expect(h.peers).toEqual({ dep_a: ["dep_b"], dep_b: ["dep_a"] });
  });
});

describe("explain", () => {
  it("covers every deployment of the model: included in try order, then excluded", () => {
    const p = plan({
      need: ["tools"],
      policy: policy({ region: ["us"] }),
      health: health({ dep_a: { score: 0.9 } }),
    });
    expect(p.explain).toEqual([
      {
        deploymentId: "dep_a",
        provider: "openai",
        upstreamModel: "gpt-4o",
        region: "us",
        included: true,
        position: 1,
        reason: "#1 priority: deployment priority 0",
      },
      {
        deploymentId: "dep_b",
        provider: "mistral",
        upstreamModel: "gpt-4o",
        region: "eu-west",
        included: false,
        reason: "region eu-west not in [us]",
      },
      {
        deploymentId: "dep_c",
        provider: "azure",
        upstreamModel: "gpt-4o",
        region: "us-east",
        included: false,
        reason: "lacks capability tools",
      },
    ]);
  });
});

describe("workspace constraints (settings)", () => {
  it("zero data retention keeps only providers that retain nothing, and denies when none does", () => {
    const Z = dep("dep_z", "zdr-co", { region: "eu", zdr: true });
    const out = planRoute({
      model: model([A, Z, C]),
      policy: DEFAULT_POLICY,
      need: [],
      prefs: NO_PREFERENCES,
      health: health(),
      now: NOW,
      zeroDataRetention: true,
    }) as RoutePlan;
    expect(ids(out)).toEqual(["dep_z"]);
    expect(out.explain.find((e) => e.deploymentId === "dep_a")!.reason).toMatch(/may retain data/);
    const err = thrown(() => plan({ zeroDataRetention: true }));
    expect(err.code).toBe("permission_denied");
    expect(err.message).toMatch(/zero data retention/);
  });

  it("the workspace region narrows the policy in force, never widens it", () => {
    expect(ids(plan({ policy: applyWorkspaceRegion(DEFAULT_POLICY, "EU") }))).toEqual(["dep_b"]);
    const usOnly = policy({ region: ["us"] });
    expect(thrown(() => plan({ policy: applyWorkspaceRegion(usOnly, "eu") })).code).toBe("permission_denied");
    expect(applyWorkspaceRegion(usOnly, null)).toBe(usOnly);
  });
});
