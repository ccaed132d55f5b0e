import { describe, expect, it, vi } from "vitest";
import { createMemoryStore } from "@/lib/store";
import { KeyCache, listenForRevocations, publishRevocation, type KeyCacheOptions } from "./key-cache";
import type { KeyRecord } from "./types";

const H1 = "a".repeat(64);
const H2 = "b".repeat(64);
const H3 = "c".repeat(64);

function record(id: string): KeyRecord {
  return {
    ctx: { key: { id, tenantId: "tnt_1", name: id }, tenant: { id: "tnt_1", slug: "acme", name: "Acme" } },
    revokedAt: null,
    expiresAt: null,
  };
}

function setup(
  opts: Partial<KeyCacheOptions> = {},
  known: Record<string, KeyRecord> = { [H1]: record("k1"), [H2]: record("k2") },
) {
  let t = 1_000;
  const calls: string[] = [];
  const load = vi.fn(async (hash: string) => {
    calls.push(hash);
    return known[hash] ?? null;
  });
  const cache = new KeyCache(load, { max: 100, ttlMs: 5_000, negativeTtlMs: 2_000, now: () => t, ...opts });
  return { cache, load, calls, advance: (ms: number) => (t += ms) };
}

describe("KeyCache", () => {
  it("serves a warm key synchronously without calling the loader", async () => {
    const { cache, load } = setup();
    expect(await cache.lookup(H1)).toMatchObject({ ctx: { key: { id: "k1" } } });
    const warm = cache.lookup(H1);
    expect(warm).not.toBeInstanceOf(Promise);
    expect(warm).toMatchObject({ ctx: { key: { id: "k1" } } });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("expires found keys after ttlMs", async () => {
    const { cache, load, advance } = setup({ refreshAhead: 1 });
    await cache.lookup(H1);
    advance(4_999);
    cache.lookup(H1);
    expect(load).toHaveBeenCalledTimes(1);
    advance(1);
    expect(cache.lookup(H1)).toBeInstanceOf(Promise);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("caches unknown keys for the shorter negative TTL", async () => {
    const { cache, load, advance } = setup();
    expect(await cache.lookup(H3)).toBeNull();
    advance(1_999);
    expect(cache.lookup(H3)).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
    advance(1);
    expect(await cache.lookup(H3)).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("shares one lookup between concurrent misses (single flight)", async () => {
    const { cache, load } = setup();
    const results = await Promise.all([
      cache.lookup(H1),
      cache.lookup(H1),
      cache.lookup(H1),
      cache.lookup(H2),
    ]);
    expect(load).toHaveBeenCalledTimes(2);
    expect(results.map((r) => r?.ctx.key.id)).toEqual(["k1", "k1", "k1", "k2"]);
  });

  it("refreshes a hot key in the background before it expires", async () => {
    const { cache, load, advance } = setup({ refreshAhead: 0.5 });
    await cache.lookup(H1);
    advance(2_600);
    expect(cache.lookup(H1)).not.toBeInstanceOf(Promise); // served from cache...
    expect(load).toHaveBeenCalledTimes(2); // ...while a refresh runs
    await Promise.resolve();
    await Promise.resolve();
    advance(2_450); // t = 6050: past the first entry's TTL (6000), before the refreshed one's refresh point
    expect(cache.lookup(H1)).not.toBeInstanceOf(Promise);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("evicts the least recently used entry beyond max", async () => {
    const { cache, load } = setup({ max: 2 }, { [H1]: record("k1"), [H2]: record("k2"), [H3]: record("k3") });
    await cache.lookup(H1);
    await cache.lookup(H2);
    cache.lookup(H1); // H1 is now the most recent
    await cache.lookup(H3); // pushes out H2
    expect(load).toHaveBeenCalledTimes(3);
    expect(cache.lookup(H1)).not.toBeInstanceOf(Promise);
    expect(cache.lookup(H2)).toBeInstanceOf(Promise);
  });

  it("keeps unknown keys in their own LRU, so a flood of them cannot push out valid keys", async () => {
    const { cache } = setup({ max: 2 });
    await cache.lookup(H1);
    for (let i = 0; i < 10; i++) await cache.lookup(i.toString(16).padStart(64, "0"));
    expect(cache.lookup(H1)).not.toBeInstanceOf(Promise);
  });

  it("evict forgets a key at once, and drops a lookup that was in flight", async () => {
    let release!: (r: KeyRecord) => void;
    const load = vi.fn(() => new Promise<KeyRecord | null>((r) => (release = r)));
    const cache = new KeyCache(load, { max: 10, ttlMs: 60_000, negativeTtlMs: 2_000 });
    const pending = cache.lookup(H1);
    cache.evict(H1);
    release(record("k1"));
    await pending;
    expect(cache.lookup(H1)).toBeInstanceOf(Promise); // the pre-eviction answer was not cached
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("serves a stale key while the database fails, within staleIfErrorMs", async () => {
    let fail = false;
    let t = 0;
    const load = vi.fn(async () => {
      if (fail) throw new Error("db down");
      return record("k1");
    });
    const cache = new KeyCache(load, {
      max: 10,
      ttlMs: 1_000,
      negativeTtlMs: 100,
      staleIfErrorMs: 5_000,
      now: () => t,
    });
    await cache.lookup(H1);
    fail = true;
    t = 3_000;
    expect(await cache.lookup(H1)).toMatchObject({ ctx: { key: { id: "k1" } } });
    t = 7_000;
    await expect(cache.lookup(H1)).rejects.toThrow("db down");
  });

  it("evicts hashes published on the store's revocation channel", async () => {
    const store = createMemoryStore();
    const { cache, load } = setup();
    const stop = await listenForRevocations(cache, store);
    await cache.lookup(H1);
    await publishRevocation(store, H1);
    expect(cache.lookup(H1)).toBeInstanceOf(Promise);
    expect(load).toHaveBeenCalledTimes(2);
    await stop();
    await store.close();
  });
});
