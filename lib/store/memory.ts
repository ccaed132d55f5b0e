// The in-process store: the default when REDIS_URL is unset (one instance), and the Redis store's fallback
// while Redis is unreachable.
import { bucketTtlMs, settleBuckets, validateTake, type BucketState } from "./token-bucket";
import type { Store, TokenTake } from "./types";

type Listener = (message: string) => void;

export interface MemoryStoreOptions {
  now?: () => number;
  sweepMs?: number;
  /** Byte budget of get/set values (keys included, UTF-16 size); least recently used go first. 64 MB default. */
  cacheMaxBytes?: number;
}

interface CacheEntry {
  value: string;
  expiresAt: number;
  bytes: number;
}

const entryBytes = (key: string, value: string) => 2 * (key.length + value.length) + 64;

export function createMemoryStore(opts: MemoryStoreOptions = {}): Store {
  const now = opts.now ?? Date.now;
  const cacheMaxBytes = opts.cacheMaxBytes ?? 64 * 1024 * 1024;
  const counters = new Map<string, { value: number; resetAt: number }>();
  const buckets = new Map<string, BucketState & { expiresAt: number }>();
  // A Map iterates in insertion order: re-inserting on read keeps the least recently used first.
  const cache = new Map<string, CacheEntry>();
  let cacheBytes = 0;
  const channels = new Map<string, Set<Listener>>();

  const dropCached = (key: string, e: CacheEntry) => {
    cache.delete(key);
    cacheBytes -= e.bytes;
  };

  // Expired entries are dropped lazily on use and by a periodic sweep, so abandoned keys do not accumulate.
  const sweep = setInterval(() => {
    const t = now();
    for (const [k, c] of counters) if (c.resetAt <= t) counters.delete(k);
    for (const [k, b] of buckets) if (b.expiresAt <= t) buckets.delete(k);
    for (const [k, e] of cache) if (e.expiresAt <= t) dropCached(k, e);
  }, opts.sweepMs ?? 30_000);
  sweep.unref();

  // Synchronous, so a batch is atomic within the process.
  function runBuckets(takes: TokenTake[], at: number | undefined, force: boolean) {
    takes.forEach(validateTake);
    const t = at ?? now();
    const states = takes.map((k) => {
      const b = buckets.get(k.key);
      return b && b.expiresAt > t ? b : undefined;
    });
    const outcome = settleBuckets(states, takes, t, force);
    outcome.next?.forEach((s, i) => {
      const take = takes[i]!;
      if (s.level >= take.capacity) buckets.delete(take.key);
      else buckets.set(take.key, { ...s, expiresAt: t + bucketTtlMs(s, take) });
    });
    return outcome;
  }

  const store: Store = {
    kind: "memory",
    async incr(key, ttlMs, by = 1) {
      const t = now();
      let c = counters.get(key);
      if (!c || c.resetAt <= t) {
        c = { value: 0, resetAt: t + ttlMs };
        counters.set(key, c);
      }
      c.value += by;
      return { value: c.value, resetInMs: c.resetAt - t };
    },
    async takeTokens(key, { now: at, ...bucket }) {
      return runBuckets([{ key, ...bucket }], at, false).results[0]!;
    },
    async takeTokensBatch(takes, o = {}) {
      const { allowed, results } = runBuckets(takes, o.now, false);
      return { allowed, results };
    },
    async adjustTokens(adjustments, o = {}) {
      runBuckets(
        adjustments.map(({ delta, ...a }) => ({ ...a, cost: -delta })),
        o.now,
        true,
      );
    },
    async get(key) {
      const e = cache.get(key);
      if (!e) return null;
      if (e.expiresAt <= now()) {
        dropCached(key, e);
        return null;
      }
      cache.delete(key);
      cache.set(key, e);
      return e.value;
    },
    async set(key, value, ttlMs) {
      const old = cache.get(key);
      if (old) dropCached(key, old);
      const bytes = entryBytes(key, value);
      if (bytes > cacheMaxBytes || !(ttlMs > 0)) return;
      cache.set(key, { value, expiresAt: now() + ttlMs, bytes });
      cacheBytes += bytes;
      for (const [k, e] of cache) {
        if (cacheBytes <= cacheMaxBytes) break;
        dropCached(k, e);
      }
    },
    async del(key) {
      const e = cache.get(key);
      if (e) dropCached(key, e);
    },
    async publish(channel, message) {
      const listeners = channels.get(channel);
      if (!listeners) return;
      for (const fn of listeners) {
        try {
          fn(message);
        } catch {
          // one failing subscriber must not stop the others
        }
      }
    },
    async subscribe(channel, onMessage) {
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      const listener: Listener = (m) => onMessage(m);
      set.add(listener);
      return async () => {
        set.delete(listener);
        if (set.size === 0 && channels.get(channel) === set) channels.delete(channel);
      };
    },
    status() {
      return { kind: "memory", degraded: false };
    },
    async close() {
      clearInterval(sweep);
      counters.clear();
      buckets.clear();
      cache.clear();
      cacheBytes = 0;
      channels.clear();
    },
  };
  return store;
}
