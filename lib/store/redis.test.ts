// Redis-specific behaviour: state shared between store instances, and degradation when Redis cannot be reached.
// Redis itself is never stopped: unreachability is a closed port, or a TCP proxy in front of 127.0.0.1:6379 that
// the test cuts or freezes.
import { randomBytes } from "node:crypto";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createRedisStore } from "./redis";
import type { Store } from "./types";

const REDIS = { host: "127.0.0.1", port: 6379 };
const prefix = () => `sytest:${randomBytes(6).toString("hex")}:`;

/** A TCP proxy to Redis that can drop every connection, refuse new ones, or stop forwarding (a black hole). */
async function startProxy() {
  const sockets = new Set<net.Socket>();
  let mode: "open" | "refuse" | "blackhole" = "open";
  const server = net.createServer((client) => {
    if (mode === "refuse") return client.destroy();
    const upstream = net.connect(REDIS);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.on("data", (d) => mode !== "blackhole" && upstream.write(d));
    upstream.on("data", (d) => mode !== "blackhole" && client.write(d));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    set(m: typeof mode) {
      mode = m;
      if (m === "refuse") for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const open: Store[] = [];
const track = (s: Store) => (open.push(s), s);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await Promise.all(cleanups.splice(0).map((f) => f()));
});

describe("redis store", () => {
  it("shares token buckets between instances: concurrent takes never overdraw", async () => {
    const p = prefix();
    const a = track(createRedisStore({ url: "redis://127.0.0.1:6379", prefix: p }));
    const b = track(createRedisStore({ url: "redis://127.0.0.1:6379", prefix: p }));
    const take = (s: Store) => s.takeTokens("shared", { capacity: 60, refillPerSec: 1, cost: 1, now: 1_000 });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => take(i % 2 ? a : b)));
    expect(results.filter((r) => r.allowed)).toHaveLength(60);
  });

  it("degrades to local state at once when Redis cannot be reached, instead of hanging", async () => {
    const s = track(createRedisStore({ url: "redis://127.0.0.1:1", prefix: prefix(), timeoutMs: 150 }));
    const t0 = performance.now();
    const first = await s.takeTokens("b", { capacity: 2, refillPerSec: 1, cost: 1, now: 0 });
    expect(performance.now() - t0).toBeLessThan(1_000); // bounded by the 150 ms budget, not a connect timeout
    expect(first).toMatchObject({ allowed: true, remaining: 1 });
    expect(s.status()).toMatchObject({ kind: "redis", degraded: true, since: expect.any(Number) });
    // Every operation keeps working on local state.
    expect(await s.takeTokens("b", { capacity: 2, refillPerSec: 1, cost: 2, now: 0 })).toMatchObject({
      allowed: false,
    });
    expect(await s.incr("c", 1_000)).toMatchObject({ value: 1 });
    await s.set("k", "v", 1_000);
    expect(await s.get("k")).toBe("v");
    const got: string[] = [];
    await s.subscribe("ch", (m) => got.push(m));
    await s.publish("ch", "local");
    expect(got).toEqual(["local"]);
  });

  it("degrades when Redis stops answering and recovers by itself when it answers again", async () => {
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    const s = track(createRedisStore({ url: proxy.url, prefix: prefix(), timeoutMs: 150, probeMs: 50 }));
    await s.set("k", "shared", 60_000);
    expect(s.status().degraded).toBe(false);

    proxy.set("blackhole"); // connected, but nothing comes back: the command timeout must fire
    expect(await s.get("k")).toBeNull(); // answered from local state
    expect(s.status()).toMatchObject({ degraded: true, reason: expect.stringMatching(/timed out/i) });

    proxy.set("refuse"); // the connection drops and reconnects are refused
    await s.set("k", "local only", 60_000);
    expect(await s.get("k")).toBe("local only");

    proxy.set("open");
    await expect.poll(() => s.status().degraded, { timeout: 5_000 }).toBe(false);
    expect(await s.get("k")).toBe("shared");
  });

  it("resubscribes after a reconnect and reports the gap", async () => {
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    const p = prefix();
    const s = track(createRedisStore({ url: proxy.url, prefix: p, timeoutMs: 150, probeMs: 50 }));
    const direct = track(createRedisStore({ url: "redis://127.0.0.1:6379", prefix: p }));
    const got: string[] = [];
    let gaps = 0;
    await s.subscribe(
      "ch",
      (m) => got.push(m),
      () => gaps++,
    );
    await direct.publish("ch", "before");
    await expect.poll(() => got).toEqual(["before"]);

    proxy.set("refuse");
    await direct.publish("ch", "lost");
    proxy.set("open");
    await expect.poll(() => gaps, { timeout: 5_000 }).toBe(1);
    await expect
      .poll(
        async () => {
          await direct.publish("ch", "after");
          return got.includes("after");
        },
        { timeout: 5_000 },
      )
      .toBe(true);
    expect(got).not.toContain("lost");
  });
});
