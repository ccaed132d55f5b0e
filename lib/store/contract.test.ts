// The same semantics on both stores: every case runs on the memory store and on Redis (127.0.0.1:6379), each
// Redis case under its own key prefix.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryStore } from "./memory";
import { createRedisStore } from "./redis";
import type { Store } from "./types";

const REDIS_URL = "redis://127.0.0.1:6379";
const uniquePrefix = () => `sytest:${randomBytes(6).toString("hex")}:`;

const kinds: Array<[string, () => Store]> = [
  ["memory", () => createMemoryStore()],
  ["redis", () => createRedisStore({ url: REDIS_URL, prefix: uniquePrefix(), timeoutMs: 2_000 })],
];

describe.each(kinds)("%s store", (_kind, make) => {
  const open: Store[] = [];
  const newStore = () => {
    const s = make();
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  const bucket = { capacity: 10, refillPerSec: 1 };

  it("takes tokens until the bucket is empty, then refills over time", async () => {
    const s = newStore();
    const now = 1_000_000;
    expect(await s.takeTokens("b", { ...bucket, cost: 4, now })).toEqual({
      allowed: true,
      remaining: 6,
      retryAfterMs: 0,
      resetMs: 4_000,
    });
    expect(await s.takeTokens("b", { ...bucket, cost: 6, now })).toMatchObject({
      allowed: true,
      remaining: 0,
    });
    expect(await s.takeTokens("b", { ...bucket, cost: 3, now: now + 1_500 })).toEqual({
      allowed: false,
      remaining: 1,
      retryAfterMs: 1_500,
      resetMs: 8_500,
    });
    expect(await s.takeTokens("b", { ...bucket, cost: 3, now: now + 3_000 })).toMatchObject({
      allowed: true,
      remaining: 0,
    });
    // Full again after capacity / rate seconds; it never holds more than capacity.
    expect(await s.takeTokens("b", { ...bucket, cost: 1, now: now + 60_000 })).toMatchObject({
      remaining: 9,
    });
    expect(s.status()).toMatchObject({ degraded: false });
  });

  it("says when a cost can never fit", async () => {
    const s = newStore();
    const r = await s.takeTokens("big", { ...bucket, cost: 11, now: 0 });
    expect(r).toMatchObject({ allowed: false, remaining: 10, retryAfterMs: Infinity, resetMs: 0 });
  });

  it("takes a batch all or nothing", async () => {
    const s = newStore();
    const now = 5_000;
    await s.takeTokens("small", { capacity: 2, refillPerSec: 1, cost: 2, now });
    const refused = await s.takeTokensBatch(
      [
        { key: "large", capacity: 100, refillPerSec: 1, cost: 5 },
        { key: "small", capacity: 2, refillPerSec: 1, cost: 1 },
      ],
      { now },
    );
    expect(refused.allowed).toBe(false);
    expect(refused.results.map((r) => r.allowed)).toEqual([true, false]);
    expect(refused.results[1]!.retryAfterMs).toBe(1_000);
    // Nothing was taken from the bucket that had room.
    expect(await s.takeTokens("large", { capacity: 100, refillPerSec: 1, cost: 0, now })).toMatchObject({
      remaining: 100,
    });
    const ok = await s.takeTokensBatch(
      [
        { key: "large", capacity: 100, refillPerSec: 1, cost: 5 },
        { key: "small", capacity: 2, refillPerSec: 1, cost: 1 },
      ],
      { now: now + 1_000 },
    );
    expect(ok.allowed).toBe(true);
    expect(ok.results.map((r) => r.remaining)).toEqual([95, 0]);
  });

  it("refunds with a negative cost and reconciles with adjustTokens, into debt if need be", async () => {
    const s = newStore();
    const now = 0;
    await s.takeTokens("t", { ...bucket, cost: 8, now });
    expect(await s.takeTokens("t", { ...bucket, cost: -5, now })).toMatchObject({
      allowed: true,
      remaining: 7,
    });
    await s.adjustTokens([{ key: "t", ...bucket, delta: 100 }], { now }); // capped at capacity
    expect(await s.takeTokens("t", { ...bucket, cost: 0, now })).toMatchObject({ remaining: 10, resetMs: 0 });
    // Real usage far above the estimate: debt, capped at -capacity, refused until refilled past zero.
    await s.adjustTokens([{ key: "t", ...bucket, delta: -25 }], { now });
    const inDebt = await s.takeTokens("t", { ...bucket, cost: 0, now });
    expect(inDebt).toEqual({ allowed: false, remaining: 0, retryAfterMs: 10_000, resetMs: 20_000 });
    expect(await s.takeTokens("t", { ...bucket, cost: 1, now: now + 11_000 })).toMatchObject({
      allowed: true,
      remaining: 0,
    });
  });

  it("uses its own clock when no time is passed", async () => {
    const s = newStore();
    const bucketPerMinute = { capacity: 3, refillPerSec: 3 / 60 };
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await s.takeTokens("clock", { ...bucketPerMinute, cost: 1 }));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]!.retryAfterMs).toBeGreaterThan(15_000);
    expect(results[3]!.retryAfterMs).toBeLessThanOrEqual(20_000);
  });

  it("gets, sets with a TTL and deletes strings", async () => {
    const s = newStore();
    expect(await s.get("k")).toBeNull();
    await s.set("k", "v1 ✓", 60_000);
    expect(await s.get("k")).toBe("v1 ✓");
    await s.set("k", "v2", 60_000);
    expect(await s.get("k")).toBe("v2");
    await s.del("k");
    expect(await s.get("k")).toBeNull();
    await s.set("short", "x", 30);
    await new Promise((r) => setTimeout(r, 60));
    expect(await s.get("short")).toBeNull();
  });

  it("counts in fixed windows", async () => {
    const s = newStore();
    expect(await s.incr("c", 10_000)).toMatchObject({ value: 1 });
    const second = await s.incr("c", 10_000, 2);
    expect(second.value).toBe(3);
    expect(second.resetInMs).toBeGreaterThan(9_000);
    expect(second.resetInMs).toBeLessThanOrEqual(10_000);
  });

  it("delivers published messages to subscribers until they unsubscribe", async () => {
    const s = newStore();
    const got: string[] = [];
    const stop = await s.subscribe("ch", (m) => got.push(m));
    await s.publish("ch", "one");
    await s.publish("other", "x");
    await expect.poll(() => got).toEqual(["one"]);
    await stop();
    await s.publish("ch", "two");
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual(["one"]);
  });
});
