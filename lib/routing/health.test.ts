import net from "node:net";
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Attempt } from "@/lib/gateway/pipeline";
import { log } from "@/lib/observability/log";
import { createMemoryStore, createRedisStore, type Store } from "@/lib/store";
import { HealthTracker, observationFromAttempt, type HealthOptions } from "./health";
import { SampleWindow } from "./percentiles";

let t = 1_000_000;
const now = () => t;
const tracker = (opts: HealthOptions = {}) => new HealthTracker({ now, ...opts });
const ok = (deploymentId: string, ttftMs = 100) => ({ deploymentId, ok: true, ttftMs, totalMs: ttftMs * 3 });
const fail = (deploymentId: string) => ({ deploymentId, ok: false, errorClass: "5xx" as const });
const tick = () => new Promise((r) => setImmediate(r));

/** Redis on 127.0.0.1:6379, when one is running, for the cross-instance test. */
const redisUp = await new Promise<boolean>((resolve) => {
  const socket = net.connect(6379, "127.0.0.1");
  socket.setTimeout(500);
  socket.once("connect", () => (socket.destroy(), resolve(true)));
  socket.once("error", () => resolve(false));
  socket.once("timeout", () => (socket.destroy(), resolve(false)));
});

beforeEach(() => {
  vi.spyOn(log, "warn").mockImplementation(() => {});
  vi.spyOn(log, "info").mockImplementation(() => {});
});
afterEach(() => {
  t = 1_000_000;
  vi.restoreAllMocks();
});

describe("observationFromAttempt", () => {
  const attempt = (a: Partial<Attempt>): Attempt => ({
    deploymentId: "d",
    provider: "p",
    upstreamModel: "m",
    outcome: "ok",
    ms: 42,
    ...a,
  });

  it("maps the provider's faults to classes and ignores the client's own", () => {
    expect(observationFromAttempt(attempt({}), 10)).toEqual({
      deploymentId: "d",
      ok: true,
      ttftMs: 10,
      totalMs: 42,
    });
    const cls = (a: Partial<Attempt>) => observationFromAttempt(attempt(a))?.errorClass ?? null;
    expect(cls({ outcome: "timeout" })).toBe("timeout");
    expect(cls({ outcome: "connect" })).toBe("connection");
    expect(cls({ outcome: "reset" })).toBe("connection");
    expect(cls({ outcome: "http_error", status: 500 })).toBe("5xx");
    expect(cls({ outcome: "http_error", status: 529 })).toBe("5xx");
    expect(cls({ outcome: "stream_error", status: 503 })).toBe("5xx");
    expect(observationFromAttempt(attempt({ outcome: "http_error", status: 429, retryAfter: 5 }))).toEqual({
      deploymentId: "d",
      ok: false,
      errorClass: "429",
      retryAfterSec: 5,
    });
    expect(observationFromAttempt(attempt({ outcome: "http_error", status: 400 }))).toBeNull();
    expect(observationFromAttempt(attempt({ outcome: "stream_error", status: 404 }))).toBeNull();
    expect(observationFromAttempt(attempt({ outcome: "aborted" }))).toBeNull();
  });
});

describe("latency window", () => {
  it("reads nearest-rank percentiles over the window, with bounded memory", () => {
    const w = new SampleWindow(512, 60_000);
    for (let i = 1; i <= 100; i++) w.add(t, i);
    expect(w.read(t)).toEqual({ p50: 50, p95: 95, p99: 99, count: 100 });
    t += 60_000;
    expect(w.read(t)).toBeNull(); // all samples have left the window
    for (let i = 0; i < 2_000; i++) w.add(t, i);
    expect(w.read(t)?.count).toBe(512);
    expect(w.read(t)?.p50).toBe(1_743); // the last 512 samples: 1488..1999
  });
});

describe("HealthTracker", () => {
  it("decays error rates with the half-life, by class and overall", () => {
    const h = tracker({ consecutiveFailures: 100, minRequests: 100 });
    for (let i = 0; i < 4; i++) h.observe(ok("a"));
    for (let i = 0; i < 2; i++) h.observe(fail("a"));
    for (let i = 0; i < 2; i++) h.observe({ deploymentId: "a", ok: false, errorClass: "timeout" });
    let s = h.snapshot("a");
    expect(s.requests).toBe(8);
    expect(s.errorRate).toBe(0.5);
    expect(s.errorRates).toEqual({ timeout: 0.25, "5xx": 0.25, "429": 0, connection: 0 });
    t += 30_000; // one half-life: counts halve, rates stay
    s = h.snapshot("a");
    expect(s.requests).toBeCloseTo(4);
    expect(s.errorRate).toBeCloseTo(0.5);
    h.observe(ok("a")); // 5 requests, 2 failures
    expect(h.snapshot("a").errorRate).toBeCloseTo(0.4);
    expect(h.snapshot("a").ttft).toMatchObject({ p50: 100, p95: 100, count: 5 });
  });

  it("opens after failures, admits one trial after the cool-off, closes on success", () => {
    const h = tracker();
    for (let i = 0; i < 4; i++) h.observe(fail("a"));
    expect(h.isAvailable("a")).toBe(true);
    h.observe(fail("a"));
    expect(h.snapshot("a")).toMatchObject({ circuit: "open", available: false, score: 0 });
    t += 9_999;
    expect(h.isAvailable("a")).toBe(false);
    t += 1;
    expect(h.snapshot("a").circuit).toBe("half-open");
    expect(h.tryAcquireTrial("a")).toBe(true);
    expect(h.tryAcquireTrial("a")).toBe(false);
    expect(h.isAvailable("a")).toBe(false);
    h.observe(ok("a"));
    expect(h.snapshot("a")).toMatchObject({ circuit: "closed", available: true, errorRate: 0 });
    expect(h.tryAcquireTrial("a")).toBe(true); // closed: always admitted
  });

  it("opens on a decayed error rate of 50% with enough requests", () => {
    const h = tracker();
    h.observe(ok("a"));
    h.observe(fail("a"));
    h.observe(ok("a"));
    h.observe(fail("a"));
    expect(h.snapshot("a").circuit).toBe("closed"); // only 4 requests
    h.observe(fail("a"));
    expect(h.snapshot("a").circuit).toBe("open");
  });

  it("reopens on a failed trial with a doubled cool-off, up to the cap", () => {
    const h = tracker();
    for (let i = 0; i < 5; i++) h.observe(fail("a"));
    const coolOffs: number[] = [];
    for (let round = 0; round < 6; round++) {
      const s = h.snapshot("a");
      coolOffs.push(s.openUntil! - t);
      t = s.openUntil! - 1;
      expect(h.isAvailable("a")).toBe(false);
      t += 1;
      expect(h.tryAcquireTrial("a")).toBe(true);
      h.observe(fail("a"));
    }
    expect(coolOffs).toEqual([10_000, 20_000, 40_000, 80_000, 120_000, 120_000]);
  });

  it("frees a trial slot that is never observed", () => {
    const h = tracker({ trialTimeoutMs: 5_000 });
    for (let i = 0; i < 5; i++) h.observe(fail("a"));
    t += 10_000;
    expect(h.tryAcquireTrial("a")).toBe(true);
    expect(h.isAvailable("a")).toBe(false);
    t += 5_000;
    expect(h.isAvailable("a")).toBe(true);
    h.releaseTrial("a");
    expect(h.tryAcquireTrial("a")).toBe(true);
    h.releaseTrial("a");
    expect(h.isAvailable("a")).toBe(true);
  });

  it("keeps a deployment out for its 429 Retry-After, then lets it back", () => {
    const h = tracker();
    const a: Attempt = {
      deploymentId: "a",
      provider: "p",
      upstreamModel: "m",
      outcome: "http_error",
      status: 429,
      retryAfter: 5,
      ms: 3,
    };
    h.observe(observationFromAttempt(a)!);
    expect(h.snapshot("a")).toMatchObject({ available: false, cooldownUntil: t + 5_000, circuit: "closed" });
    t += 4_999;
    expect(h.isAvailable("a")).toBe(false);
    t += 1;
    expect(h.isAvailable("a")).toBe(true);
    expect(h.snapshot("a").cooldownUntil).toBeNull();
  });

  it("lowers the score of a slowing deployment before it fails", () => {
    const h = tracker();
    const request = (id: string, ttftMs: number) => h.observe(ok(id, ttftMs));
    for (let i = 0; i < 120; i++) {
      t += 1_000;
      request("a", 100);
      request("b", 100);
    }
    expect(h.snapshot("a").ttftBaselineP95).toBe(100);
    const alone: number[] = [];
    const withPeer: number[] = [];
    for (let s = 1; s <= 60; s++) {
      t += 1_000;
      for (let k = 0; k < 5; k++) request("a", 100 + (500 * s) / 60); // 100 ms -> 600 ms over a minute
      request("b", 100);
      if (s % 10 === 0) {
        alone.push(h.score("a"));
        withPeer.push(h.score("a", ["b"]));
      }
    }
    expect(h.snapshot("a").errorRate).toBe(0);
    expect(h.snapshot("a").errorRate).toBe(0);
    expect(alone[0]).toBeGreaterThan(0.95); // p95 barely above 1.5x baseline after 10 s
    for (let i = 1; i < alone.length; i++) expect(alone[i]!).toBeLessThanOrEqual(alone[i - 1]!);
    expect(alone[2]).toBeLessThan(0.5); // at ~270 ms, well before any failure
    expect(alone.at(-1)).toBeCloseTo(0.1);
    expect(withPeer.at(-1)).toBeCloseTo(0.1);
    expect(h.score("b", ["a"])).toBe(1);
    for (let i = 0; i < 60; i++) {
      t += 1_000;
      request("a", 100);
      request("b", 100);
    }
    expect(h.score("a", ["b"])).toBe(1); // recovered: its traffic comes back
  });

  it("carries on locally while the store is away, warns once, and resumes sharing", async () => {
    const warn = vi.mocked(log.warn);
    const memory = createMemoryStore();
    let down = true;
    const flaky: Store = {
      ...memory,
      kind: "redis",
      publish: (c, m) => (down ? Promise.reject(new Error("down")) : memory.publish(c, m)),
      subscribe: (c, fn) => (down ? Promise.reject(new Error("down")) : memory.subscribe(c, fn)),
    };
    const h = tracker({ store: flaky });
    await h.start();
    for (let i = 0; i < 5; i++) h.observe(fail("a"));
    h.observe({ deploymentId: "b", ok: false, errorClass: "429", retryAfterSec: 1 });
    await tick();
    expect(h.isAvailable("a")).toBe(false);
    expect(h.degraded).toBe(true);
    expect(warn.mock.calls.filter(([m]) => m.includes("not shared"))).toHaveLength(1);

    down = false;
    h.observe({ deploymentId: "c", ok: false, errorClass: "429", retryAfterSec: 1 });
    await tick();
    expect(h.degraded).toBe(false);
    const other = tracker({ store: memory }); // its events now reach h: the subscription was retried
    other.observe({ deploymentId: "d", ok: false, errorClass: "429", retryAfterSec: 1 });
    await tick();
    expect(h.isAvailable("d")).toBe(false);
    await h.stop();
    await memory.close();
  });
});

/** Two instances on one store: each sees the other's circuit transitions and cooldowns. */
async function expectShared(makeStore: () => Store, settle: (check: () => void) => Promise<void>) {
  const stores = [makeStore(), makeStore()] as const;
  const [a, b] = stores.map((store) => tracker({ store }));
  try {
    await Promise.all([a!.start(), b!.start()]);
    for (let i = 0; i < 5; i++) a!.observe(fail("d1"));
    a!.observe({ deploymentId: "d2", ok: false, errorClass: "429", retryAfterSec: 5 });
    await settle(() => {
      expect(b!.snapshot("d1").circuit).toBe("open");
      expect(b!.isAvailable("d2")).toBe(false);
    });
    t += 10_000;
    expect(b!.tryAcquireTrial("d1")).toBe(true);
    b!.observe(ok("d1"));
    await settle(() => expect(a!.snapshot("d1").circuit).toBe("closed"));
    expect(a!.degraded || b!.degraded).toBe(false);
  } finally {
    await Promise.all([a!.stop(), b!.stop()]);
    await Promise.all(stores.map((s) => s.close()));
  }
}

describe("sharing between instances", () => {
  it("through the in-process store", async () => {
    const store = createMemoryStore();
    await expectShared(
      () => ({ ...store, close: async () => {} }),
      async (check) => {
        await tick();
        check();
      },
    );
    await store.close();
  });

  it.skipIf(!redisUp)("through Redis", async () => {
    const prefix = `sy-test-${randomBytes(4).toString("hex")}:`;
    await expectShared(
      () => createRedisStore({ url: "redis://127.0.0.1:6379", prefix }),
      (check) => vi.waitFor(check, { timeout: 3_000, interval: 20 }),
    );
  });
});

describe("per-minute history", () => {
  it("keeps each deployment's recent minutes for the dashboard, bounded by seriesMinutes", () => {
    t = 60_000 * 1_000;
    const h = tracker({ seriesMinutes: 4 });
    h.observe(ok("a", 100));
    h.observe(ok("a", 300));
    h.observe(fail("a"));
    t += 60_000;
    h.observe(ok("a", 40));
    const points = h.history("a");
    expect(points).toHaveLength(4);
    expect(points.slice(-2)).toEqual([
      { at: t - 60_000, requests: 3, failures: 1, avgMs: 200 },
      { at: t, requests: 1, failures: 0, avgMs: 40 },
    ]);
    expect(h.history("never-seen")).toHaveLength(4);
    expect(h.history("never-seen").every((p) => p.requests === 0)).toBe(true);
  });
});
