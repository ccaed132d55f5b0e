import { describe, expect, it } from "vitest";
import { policyIssues } from "@/lib/routing/policy";
import {
  getIn,
  issuesByPath,
  listFromInput,
  moveAt,
  numberFromInput,
  pathKey,
  removeAt,
  setIn,
} from "./policy-doc";

describe("policy document edits", () => {
  const doc = { rules: [{ match: "gpt", strategy: { type: "priority" }, candidates: ["a", "b", "c"] }] };

  it("formats paths exactly as policyIssues reports them", () => {
    const bad = { rules: [{ match: "gpt", strategy: { type: "cost-within-latency", maxP95TtftMs: 0 } }] };
    const [issue] = policyIssues(bad);
    expect(issue!.path).toBe(pathKey(["rules", 0, "strategy", "maxP95TtftMs"]));
    expect(issue!.path).toBe("rules[0].strategy.maxP95TtftMs");
  });

  it("sets values without touching the original, creating parents as needed", () => {
    const next = setIn(doc, ["rules", 0, "timeouts", "connectMs"], 500);
    expect(getIn(next, ["rules", 0, "timeouts"])).toEqual({ connectMs: 500 });
    expect(getIn(doc, ["rules", 0, "timeouts"])).toBeUndefined();
    expect(getIn(next, ["rules", 0, "candidates"])).toBe(doc.rules[0]!.candidates);
  });

  it("removes a key set to undefined, and the parent it leaves empty", () => {
    const withTimeout = setIn(doc, ["rules", 0, "timeouts", "connectMs"], 500);
    const cleared = setIn(withTimeout, ["rules", 0, "timeouts", "connectMs"], undefined);
    expect(getIn(cleared, ["rules", 0])).not.toHaveProperty("timeouts");
    expect(cleared).toEqual(doc);
  });

  it("reorders and removes array items", () => {
    expect(getIn(moveAt(doc, ["rules", 0, "candidates"], 2, 0), ["rules", 0, "candidates"])).toEqual([
      "c",
      "a",
      "b",
    ]);
    expect(getIn(moveAt(doc, ["rules", 0, "candidates"], 0, 9), ["rules", 0, "candidates"])).toEqual([
      "b",
      "c",
      "a",
    ]);
    expect(moveAt(doc, ["rules", 0, "candidates"], 5, 0)).toBe(doc);
    expect(getIn(removeAt(doc, ["rules", 0, "candidates"], 1), ["rules", 0, "candidates"])).toEqual([
      "a",
      "c",
    ]);
    const one = { rules: [{ match: "x", candidates: ["a"] }] };
    expect(getIn(removeAt(one, ["rules", 0, "candidates"], 0, true), ["rules", 0])).toEqual({ match: "x" });
  });

  it("reads number and list inputs, empty meaning absent", () => {
    expect(numberFromInput(" 250 ")).toBe(250);
    expect(numberFromInput("")).toBeUndefined();
    expect(numberFromInput("-3")).toBe(-3);
    expect(listFromInput("eu, us-east ,")).toEqual(["eu", "us-east"]);
    expect(listFromInput("  ")).toBeUndefined();
  });

  it("groups issues by path", () => {
    const m = issuesByPath([
      { path: "a", message: "x" },
      { path: "a", message: "y" },
      { path: "b", message: "z" },
    ]);
    expect(m.get("a")).toEqual(["x", "y"]);
    expect(m.get("b")).toEqual(["z"]);
  });
});
