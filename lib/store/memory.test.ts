import { describe, expect, it } from "vitest";
import { createMemoryStore } from "./memory";

describe("memory store", () => {
  it("counts within a fixed window and restarts after the TTL", async () => {
    let t = 0;
    const store = createMemoryStore({ now: () => t });
    expect(await store.incr("a", 1_000)).toEqual({ value: 1, resetInMs: 1_000 });
    t = 400;
    expect(await store.incr("a", 1_000, 5)).toEqual({ value: 6, resetInMs: 600 });
    t = 1_000;
    expect(await store.incr("a", 1_000)).toEqual({ value: 1, resetInMs: 1_000 });
    await store.close();
  });

  it("delivers published messages to subscribers until they unsubscribe", async () => {
    const store = createMemoryStore();
    const got: string[] = [];
    const stop = await store.subscribe("ch", (m) => got.push(m));
    await store.publish("ch", "one");
    await store.publish("other", "x");
    await stop();
    await store.publish("ch", "two");
    expect(got).toEqual(["one"]);
    await store.close();
  });

  it("keeps cached values within a byte budget, evicting the least recently used first", async () => {
    // Each entry: 2 * (1 + 100) + 64 = 266 bytes; three fit in 800.
    const store = createMemoryStore({ cacheMaxBytes: 800 });
    const v = (c: string) => c.repeat(100);
    await store.set("a", v("a"), 60_000);
    await store.set("b", v("b"), 60_000);
    await store.set("c", v("c"), 60_000);
    expect(await store.get("a")).toBe(v("a")); // a is now the most recently used
    await store.set("d", v("d"), 60_000); // evicts b
    expect(await store.get("b")).toBeNull();
    expect(await store.get("a")).toBe(v("a"));
    expect(await store.get("c")).toBe(v("c"));
    expect(await store.get("d")).toBe(v("d"));
    await store.set("huge", "x".repeat(1_000), 60_000); // larger than the whole budget: not stored
    expect(await store.get("huge")).toBeNull();
    expect(await store.get("d")).toBe(v("d"));
    await store.close();
  });

  it("expires buckets and values with its clock", async () => {
    let t = 0;
    const store = createMemoryStore({ now: () => t });
    await store.set("k", "v", 1_000);
    await store.takeTokens("b", { capacity: 2, refillPerSec: 1, cost: 2 });
    t = 999;
    expect(await store.get("k")).toBe("v");
    t = 1_000;
    expect(await store.get("k")).toBeNull();
    expect(await store.takeTokens("b", { capacity: 2, refillPerSec: 1, cost: 0 })).toMatchObject({
      remaining: 1,
    });
    t = 60_000;
    expect(await store.takeTokens("b", { capacity: 2, refillPerSec: 1, cost: 0 })).toMatchObject({
      remaining: 2,
    });
    await store.close();
  });
});
