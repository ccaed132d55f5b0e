import { describe, expect, it } from "vitest";
import { MinuteSeries } from "./percentiles";

const MIN = 60_000;
const T0 = 1_000 * MIN; // a minute boundary

describe("MinuteSeries", () => {
  it("returns the last N minutes oldest first, zeros where nothing happened", () => {
    const s = new MinuteSeries(3);
    const points = s.read(T0 + 10);
    expect(points.map((p) => p.at)).toEqual([T0 - 2 * MIN, T0 - MIN, T0]);
    expect(points.every((p) => p.requests === 0 && p.failures === 0 && p.avgMs === null)).toBe(true);
  });

  it("averages latency per minute over successes; failures count but carry no latency", () => {
    const s = new MinuteSeries(5);
    s.add(T0 + 1_000, true, 100);
    s.add(T0 + 2_000, true, 300);
    s.add(T0 + 3_000, false);
    s.add(T0 + MIN + 5, true, 50);
    const [older, current] = s.read(T0 + MIN + 10).slice(-2);
    expect(older).toEqual({ at: T0, requests: 3, failures: 1, avgMs: 200 });
    expect(current).toEqual({ at: T0 + MIN, requests: 1, failures: 0, avgMs: 50 });
  });

  it("reuses a slot when its minute comes round again, forgetting the old minute", () => {
    const s = new MinuteSeries(2);
    s.add(T0, true, 10);
    s.add(T0 + 2 * MIN, true, 70); // same slot as T0
    const points = s.read(T0 + 2 * MIN);
    expect(points).toEqual([
      { at: T0 + MIN, requests: 0, failures: 0, avgMs: null },
      { at: T0 + 2 * MIN, requests: 1, failures: 0, avgMs: 70 },
    ]);
  });

  it("does not show minutes older than the window even when their slot was not overwritten", () => {
    const s = new MinuteSeries(3);
    s.add(T0, true, 10);
    expect(s.read(T0 + 10 * MIN).every((p) => p.requests === 0)).toBe(true);
  });
});
