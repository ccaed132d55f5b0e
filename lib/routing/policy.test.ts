import { describe, expect, it } from "vitest";
import type { CatalogDeployment } from "@/lib/catalog/catalog";
import {
  DEFAULT_POLICY,
  findRule,
  intersectRegions,
  localTime,
  mergePolicies,
  policyIssues,
  regionAllows,
  RoutingPolicy,
  scheduleActive,
  selectorRank,
  strategyAt,
  weightOf,
  type Schedule,
} from "./policy";

const issues = (input: unknown) => policyIssues(input);
const rule = (extra: object) => ({ rules: [{ match: "gpt-4o", ...extra }] });

describe("RoutingPolicy schema", () => {
  it("accepts a full policy and fills the defaults", () => {
    const p = RoutingPolicy.parse({
      region: ["EU"],
      defaults: { retries: { maxAttempts: 3 }, timeouts: { firstTokenMs: 10_000 } },
      rules: [
        {
          match: "gpt-4o",
          candidates: ["dep_abc", "openai/gpt-4o", "azure"],
          strategy: { type: "cost-within-latency", maxP95TtftMs: 800 },
          schedules: [
            {
              days: ["sat", "sun"],
              from: "22:00",
              to: "06:00",
              timeZone: "Europe/Paris",
              strategy: { type: "lowest-cost" },
            },
          ],
          spend: { overBudgetPercent: 80, model: "gpt-4o-mini" },
          region: ["eu-west"],
          retries: { maxAttempts: 2 },
          timeouts: { connectMs: 2000, idleMs: 5000 },
        },
        { match: "*" },
      ],
    });
    expect(p.region).toEqual(["eu"]);
    expect(p.rules[1]!.strategy).toEqual({ type: "priority" });
    expect(RoutingPolicy.parse(p)).toEqual(p); // stored documents parse again unchanged
    expect(RoutingPolicy.parse({})).toEqual({ rules: [] });
  });

  it("names every problem with a message fit for inline display", () => {
    expect(issues(rule({ strategy: { type: "fastest" } }))).toEqual([
      {
        path: "rules[0].strategy.type",
        message:
          'strategy type must be one of "priority", "weighted", "lowest-latency", "lowest-cost", "cost-within-latency"',
      },
    ]);
    expect(issues(rule({ strategy: { type: "weighted" } }))).toEqual([
      { path: "rules[0].strategy.weights", message: "is required" },
    ]);
    expect(issues(rule({ strategy: { type: "weighted", weights: { a: 0 } } }))).toEqual([
      { path: "rules[0].strategy.weights", message: "needs at least one weight above 0" },
    ]);
    expect(issues(rule({ strategy: { type: "weighted", weights: { a: -1, b: 2 } } }))).toEqual([
      { path: "rules[0].strategy.weights.a", message: "must be 0 or more" },
    ]);
    expect(issues(rule({ strategy: { type: "cost-within-latency", maxP95TtftMs: "fast" } }))).toEqual([
      { path: "rules[0].strategy.maxP95TtftMs", message: "must be a number of milliseconds" },
    ]);
    expect(issues(rule({ stratgy: { type: "priority" } }))).toEqual([
      {
        path: "rules[0]",
        message:
          'unknown field "stratgy" (allowed: match, candidates, strategy, schedules, spend, region, retries, timeouts)',
      },
    ]);
    expect(issues({ rules: [{ strategy: { type: "priority" } }] })).toEqual([
      { path: "rules[0].match", message: "is required" },
    ]);
    expect(issues(rule({ candidates: [] }))[0]!.message).toBe(
      "list at least one deployment, or omit candidates for all",
    );
    expect(issues(rule({ candidates: [" "] }))[0]!.path).toBe("rules[0].candidates[0]");
    expect(issues(rule({ region: [] }))[0]!.message).toBe(
      "list at least one region, or omit region to allow all",
    );
    expect(issues(rule({ retries: { maxAttempts: 0 } }))[0]!.message).toBe("must be at least 1");
    expect(issues(rule({ timeouts: { firstTokenMs: 1.5 } }))[0]!.message).toBe("must be whole milliseconds");
    expect(issues(rule({ timeouts: { firstTokenMs: 0 } }))[0]!.message).toBe("must be above 0");
    expect(issues(rule({ spend: { overBudgetPercent: 80 } }))).toEqual([
      { path: "rules[0].spend.model", message: "is required" },
    ]);
    expect(issues({ rules: [{ match: "a" }, { match: "a" }] })).toEqual([
      { path: "rules[1].match", message: '"a" is already matched by rule 1' },
    ]);
    expect(issues({ rules: "x" })).toEqual([{ path: "rules", message: "must be a list of rules" }]);
  });

  it("validates schedules: times, days, time zones", () => {
    const sched = (s: object) => rule({ schedules: [{ strategy: { type: "lowest-cost" }, ...s }] });
    expect(issues(sched({ from: "22:00", to: "6:00" }))).toEqual([
      { path: "rules[0].schedules[0].to", message: 'must be a 24-hour time "HH:MM", e.g. "22:00"' },
    ]);
    expect(issues(sched({ from: "24:00", to: "06:00" }))[0]!.path).toBe("rules[0].schedules[0].from");
    expect(issues(sched({ from: "22:00", to: "06:00", days: ["monday"] }))).toEqual([
      {
        path: "rules[0].schedules[0].days[0]",
        message: "each day must be one of mon, tue, wed, thu, fri, sat, sun",
      },
    ]);
    expect(issues(sched({ from: "22:00", to: "06:00", timeZone: "Mars/Olympus" }))).toEqual([
      {
        path: "rules[0].schedules[0].timeZone",
        message: 'must be an IANA time zone such as "Europe/Paris" or "UTC"',
      },
    ]);
    expect(issues(sched({ from: "22:00" }))).toEqual([
      { path: "rules[0].schedules[0].to", message: "is required" },
    ]);
  });

  it("has a default policy that allows everything in priority order", () => {
    expect(DEFAULT_POLICY).toEqual({ rules: [{ match: "*", strategy: { type: "priority" } }] });
  });
});

describe("rule matching", () => {
  const model = { name: "gpt-4o", aliases: ["4o", "gpt4o"] };
  const p = (...matches: string[]) => RoutingPolicy.parse({ rules: matches.map((match) => ({ match })) });

  it("prefers the exact name, then an alias, then the wildcard", () => {
    expect(findRule(p("*", "4o", "gpt-4o"), model)?.match).toBe("gpt-4o");
    expect(findRule(p("*", "gpt4o", "4o"), model)?.match).toBe("gpt4o");
    expect(findRule(p("*", "claude"), model)?.match).toBe("*");
    expect(findRule(p("claude"), model)).toBeUndefined();
  });
});

describe("selectors", () => {
  const d = {
    id: "dep_1",
    provider: { name: "OpenAI-EU" },
    upstreamModel: "gpt-4o-2024",
  } as unknown as CatalogDeployment;

  it("match by id, provider/upstreamModel or provider name, case-insensitively, most specific first", () => {
    expect(selectorRank("dep_1", d)).toBe(3);
    expect(selectorRank("openai-eu/gpt-4o-2024", d)).toBe(2);
    expect(selectorRank("openai-eu", d)).toBe(1);
    expect(selectorRank("openai", d)).toBe(0);
    expect(weightOf({ "openai-eu": 1, dep_1: 5, other: 9 }, d)).toBe(5);
    expect(weightOf({ other: 9 }, d)).toBe(0);
  });
});

describe("regions", () => {
  it("allows a region and its sub-regions, never an unknown one", () => {
    expect(regionAllows("eu", "eu")).toBe(true);
    expect(regionAllows("eu", "EU-West-1")).toBe(true);
    expect(regionAllows("eu", "europe")).toBe(false);
    expect(regionAllows("eu", null)).toBe(false);
  });

  it("intersects to the narrower entry of each overlapping pair", () => {
    expect(intersectRegions(["eu"], ["eu-west", "us"])).toEqual(["eu-west"]);
    expect(intersectRegions(["eu-west"], ["eu"])).toEqual(["eu-west"]);
    expect(intersectRegions(["eu"], ["us"])).toEqual([]);
    expect(intersectRegions(undefined, ["us"])).toEqual(["us"]);
    expect(intersectRegions(["us"], undefined)).toEqual(["us"]);
    expect(intersectRegions(undefined, undefined)).toBeUndefined();
  });
});

describe("mergePolicies", () => {
  const platform = RoutingPolicy.parse({
    region: ["eu"],
    defaults: { retries: { maxAttempts: 3 }, timeouts: { connectMs: 1000, totalMs: 60_000 } },
    rules: [
      { match: "*", strategy: { type: "priority" } },
      { match: "gpt-4o", strategy: { type: "lowest-cost" }, region: ["eu-west", "eu-central"] },
      { match: "claude", strategy: { type: "lowest-latency" } },
    ],
  });

  it("lets the workspace's rule for a model win and keeps the platform's other rules", () => {
    const tenant = RoutingPolicy.parse({ rules: [{ match: "gpt-4o", strategy: { type: "priority" } }] });
    const merged = mergePolicies(platform, tenant);
    expect(findRule(merged, { name: "gpt-4o", aliases: [] })?.strategy).toEqual({ type: "priority" });
    expect(findRule(merged, { name: "claude", aliases: [] })?.strategy).toEqual({ type: "lowest-latency" });
    expect(findRule(merged, { name: "other", aliases: [] })?.match).toBe("*");
  });

  it("only narrows regions, at the top level and per rule", () => {
    const tenant = RoutingPolicy.parse({
      region: ["us", "eu-west"],
      rules: [{ match: "gpt-4o", region: ["eu"] }],
    });
    const merged = mergePolicies(platform, tenant);
    expect(merged.region).toEqual(["eu-west"]);
    expect(merged.rules[0]!.region).toEqual(["eu-west", "eu-central"]);
    const widen = mergePolicies(platform, RoutingPolicy.parse({ region: ["us"] }));
    expect(widen.region).toEqual([]); // nothing allowed: the planner denies
  });

  it("merges defaults field by field and tolerates missing layers", () => {
    const tenant = RoutingPolicy.parse({ defaults: { timeouts: { connectMs: 500 } } });
    expect(mergePolicies(platform, tenant).defaults).toEqual({
      retries: { maxAttempts: 3 },
      timeouts: { connectMs: 500, totalMs: 60_000 },
    });
    expect(mergePolicies(null, null)).toBe(DEFAULT_POLICY);
    expect(mergePolicies(platform, null)).toBe(platform);
    expect(mergePolicies(undefined, tenant).rules.map((r) => r.match)).toEqual(["*"]);
  });
});

describe("schedules", () => {
  const s = (x: Partial<Schedule>): Schedule => ({
    from: "22:00",
    to: "06:00",
    strategy: { type: "lowest-cost" },
    ...x,
  });
  const at = (iso: string) => new Date(iso);

  it("reads the local day and time in a time zone", () => {
    expect(localTime(at("2025-01-06T23:30:00Z"))).toEqual({ day: "mon", minutes: 23 * 60 + 30 });
    expect(localTime(at("2025-01-06T23:30:00Z"), "Europe/Paris")).toEqual({ day: "tue", minutes: 30 });
    expect(localTime(at("2025-07-06T23:30:00Z"), "America/New_York")).toEqual({
      day: "sun",
      minutes: 19 * 60 + 30,
    });
  });

  it("wraps past midnight, from inclusive and to exclusive", () => {
    const night = s({});
    expect(scheduleActive(night, at("2025-01-06T22:00:00Z"))).toBe(true);
    expect(scheduleActive(night, at("2025-01-07T05:59:00Z"))).toBe(true);
    expect(scheduleActive(night, at("2025-01-07T06:00:00Z"))).toBe(false);
    expect(scheduleActive(night, at("2025-01-06T21:59:00Z"))).toBe(false);
    const day = s({ from: "09:00", to: "17:00" });
    expect(scheduleActive(day, at("2025-01-06T09:00:00Z"))).toBe(true);
    expect(scheduleActive(day, at("2025-01-06T17:00:00Z"))).toBe(false);
    expect(scheduleActive(s({ from: "00:00", to: "00:00" }), at("2025-01-06T13:00:00Z"))).toBe(true);
  });

  it("counts days from the day the window starts on", () => {
    // 2025-01-10 is a Friday.
    const friNight = s({ days: ["fri"] });
    expect(scheduleActive(friNight, at("2025-01-10T23:00:00Z"))).toBe(true);
    expect(scheduleActive(friNight, at("2025-01-11T03:00:00Z"))).toBe(true); // Saturday early morning
    expect(scheduleActive(friNight, at("2025-01-11T23:00:00Z"))).toBe(false); // Saturday night
    expect(scheduleActive(friNight, at("2025-01-10T03:00:00Z"))).toBe(false); // Friday early morning
  });

  it("applies the time zone to both the time and the day", () => {
    const paris = s({ days: ["mon"], timeZone: "Europe/Paris" });
    expect(scheduleActive(paris, at("2025-01-06T21:30:00Z"))).toBe(true); // 22:30 Monday in Paris
    expect(scheduleActive(paris, at("2025-01-06T20:30:00Z"))).toBe(false); // 21:30 in Paris
    expect(scheduleActive(s({ timeZone: "Asia/Tokyo" }), at("2025-01-06T13:30:00Z"))).toBe(true); // 22:30
  });

  it("lets the first matching schedule override the rule's strategy", () => {
    const r = RoutingPolicy.parse({
      rules: [
        {
          match: "*",
          strategy: { type: "lowest-latency" },
          schedules: [
            { from: "22:00", to: "06:00", strategy: { type: "lowest-cost" } },
            { from: "00:00", to: "00:00", strategy: { type: "priority" } },
          ],
        },
      ],
    }).rules[0]!;
    expect(strategyAt(r, at("2025-01-06T23:00:00Z")).strategy.type).toBe("lowest-cost");
    expect(strategyAt(r, at("2025-01-06T23:00:00Z")).source).toBe("schedule 1 (22:00-06:00 UTC)");
    expect(strategyAt(r, at("2025-01-06T12:00:00Z")).strategy.type).toBe("priority");
    expect(strategyAt({ ...r, schedules: [] }, at("2025-01-06T12:00:00Z")).source).toBe('rule "*"');
    expect(strategyAt(undefined, at("2025-01-06T12:00:00Z")).strategy.type).toBe("priority");
  });
});
