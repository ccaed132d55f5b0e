// The Redis store: shared by every instance pointing at the same REDIS_URL. Counters and token buckets are atomic
// Lua scripts (EVALSHA through defineCommand, one round trip per call); pub/sub uses a second, dedicated
// connection created on first subscribe.
//
// Redis must never hang a request. Commands fail fast (no offline queue, a short command timeout, no resending
// after a reconnect); an operation that fails to reach Redis runs on a local in-process store instead and the
// store turns `degraded`. While degraded every operation goes straight to local state (no per-request timeout
// paid), and a probe pings Redis every `probeMs`; the first answer switches back to Redis. Errors Redis itself
// returns (a script error, a wrong type) are bugs, not outages: they propagate.
import { Redis, ReplyError } from "ioredis";
import { log } from "@/lib/observability/log";
import { createMemoryStore } from "./memory";
import { TAKE_TOKENS_LUA, validateTake } from "./token-bucket";
import type { Store, TakeBatchResult, TokenTake } from "./types";

// Sets the expiry when the key has none (new key, or one created without TTL), so a window never lives forever.
const INCR_WITH_TTL = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
local t = redis.call('PTTL', KEYS[1])
if t < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  t = tonumber(ARGV[2])
end
return {v, t}`;

type Scripted = Redis & {
  syIncr(key: string, by: number, ttlMs: number): Promise<[number, number]>;
  /** numkeys, keys..., now, mode, (capacity, refillPerSec, cost)... */
  syTake(...args: Array<string | number>): Promise<number[]>;
};

export interface RedisStoreOptions {
  url: string;
  /** Prepended to every key and channel, so several installations (or tests) can share one Redis. */
  prefix?: string;
  /** How long an operation may wait for Redis before it runs on local state instead. Default 200 ms. */
  timeoutMs?: number;
  /** How often a degraded store checks whether Redis is back. Default 1 s. */
  probeMs?: number;
}

interface Handler {
  onMessage: (m: string) => void;
  onGap?: () => void;
}

/** Resolves true once `conn` is ready, false after `ms` or when a connection attempt fails; one wait shared. */
function readyWaiter(conn: Redis, ms: number): () => Promise<boolean> {
  let pending: Promise<boolean> | undefined;
  return () => {
    if (conn.status === "ready") return Promise.resolve(true);
    if (conn.status === "end") return Promise.resolve(false);
    pending ??= new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        conn.off("ready", onReady);
        conn.off("close", onClose);
        pending = undefined;
        resolve(ok);
      };
      const onReady = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      conn.once("ready", onReady);
      conn.once("close", onClose);
    });
    return pending;
  };
}

async function endConnection(conn: Redis | undefined): Promise<void> {
  if (!conn) return;
  if (conn.status === "ready") await conn.quit().catch(() => {});
  conn.disconnect();
}

export function createRedisStore({
  url,
  prefix = "sy:",
  timeoutMs = 200,
  probeMs = 1_000,
}: RedisStoreOptions): Store {
  const client = new Redis(url, {
    commandTimeout: timeoutMs,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times: number) => Math.min(times * 100, 1_000),
  }) as Scripted;
  client.defineCommand("syIncr", { numberOfKeys: 1, lua: INCR_WITH_TTL });
  client.defineCommand("syTake", { lua: TAKE_TOKENS_LUA });
  const waitReady = readyWaiter(client, timeoutMs);
  const local = createMemoryStore({ cacheMaxBytes: 16 * 1024 * 1024 });

  let closed = false;
  let degraded: { since: number; reason: string } | undefined;
  let lastError: string | undefined;
  let probeTimer: NodeJS.Timeout | undefined;
  let probing = false;

  function degrade(reason: string): void {
    if (closed || degraded) return;
    degraded = { since: Date.now(), reason };
    log.warn("redis unreachable: shared state runs on this instance's local state until it returns", {
      reason,
    });
    probeTimer = setInterval(probe, probeMs);
    probeTimer.unref();
  }

  function probe(): void {
    if (!degraded || probing || client.status !== "ready") return;
    probing = true;
    client
      .ping()
      .then(() => {
        if (!degraded || closed) return;
        log.info("redis reachable again: shared state is shared again", {
          degradedMs: Date.now() - degraded.since,
        });
        degraded = undefined;
        clearInterval(probeTimer);
      })
      .catch(() => {})
      .finally(() => (probing = false));
  }

  client.on("error", (err: Error) => {
    lastError = err.message;
    if (!degraded) log.debug("redis connection error", { err: err.message });
  });
  client.on("close", () => degrade(lastError ?? "connection closed"));
  client.on("ready", () => {
    lastError = undefined;
    probe();
  });

  /** Runs `remote` on Redis, or `fallback` on local state when Redis cannot answer in time. */
  async function run<T>(remote: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (degraded || closed) return fallback();
    if (client.status !== "ready" && !(await waitReady())) {
      degrade(lastError ?? `not connected (${client.status})`);
      return fallback();
    }
    try {
      return await remote();
    } catch (err) {
      if (err instanceof ReplyError) throw err;
      degrade((err as Error).message);
      return fallback();
    }
  }

  async function runBuckets(
    takes: TokenTake[],
    now: number | undefined,
    force: boolean,
  ): Promise<TakeBatchResult> {
    const args: Array<string | number> = [takes.length];
    for (const t of takes) args.push(prefix + t.key);
    args.push(now === undefined ? "" : String(now), force ? "force" : "take");
    for (const t of takes) args.push(String(t.capacity), String(t.refillPerSec), String(t.cost));
    const out = (await client.syTake(...args)).map(Number);
    return {
      allowed: out[0] === 1,
      results: takes.map((_, i) => {
        const [fits, remaining, retry, reset] = out.slice(1 + 4 * i, 5 + 4 * i) as [
          number,
          number,
          number,
          number,
        ];
        return { allowed: fits === 1, remaining, retryAfterMs: retry < 0 ? Infinity : retry, resetMs: reset };
      }),
    };
  }

  // ---- pub/sub ----
  let subscriber: Redis | undefined;
  let subscriberReady: () => Promise<boolean> = async () => false;
  let resubscribed: Promise<unknown> = Promise.resolve();
  let gapOnNextReady = false;
  const handlers = new Map<string, Set<Handler>>();

  function deliver(full: string, message: string): void {
    const set = handlers.get(full);
    if (!set) return;
    for (const h of set) {
      try {
        h.onMessage(message);
      } catch (err) {
        log.error("store subscriber failed", { channel: full, err });
      }
    }
  }

  function getSubscriber(): Redis {
    if (subscriber) return subscriber;
    // Subscriptions are re-issued by hand on every (re)connect: one place that also reports the gap.
    const sub = client.duplicate({ autoResubscribe: false });
    sub.on("error", (err: Error) => log.debug("redis subscriber error", { err: err.message }));
    sub.on("ready", () => {
      const channels = [...handlers.keys()];
      resubscribed = channels.length
        ? sub
            .subscribe(...channels)
            .catch((err: Error) => log.warn("redis resubscribe failed", { err: err.message }))
        : Promise.resolve();
      // What was published while the subscription was down is lost.
      if (gapOnNextReady) for (const set of handlers.values()) for (const h of set) h.onGap?.();
      gapOnNextReady = true;
    });
    sub.on("message", deliver);
    subscriberReady = readyWaiter(sub, Math.max(timeoutMs, 2_000));
    subscriber = sub;
    return sub;
  }

  const store: Store = {
    kind: "redis",
    incr(key, ttlMs, by = 1) {
      return run(
        async () => {
          const [value, resetInMs] = await client.syIncr(prefix + key, by, Math.max(1, Math.ceil(ttlMs)));
          return { value: Number(value), resetInMs: Number(resetInMs) };
        },
        () => local.incr(key, ttlMs, by),
      );
    },
    async takeTokens(key, { now, ...bucket }) {
      return (await store.takeTokensBatch([{ key, ...bucket }], { now })).results[0]!;
    },
    async takeTokensBatch(takes, opts = {}) {
      takes.forEach(validateTake);
      if (takes.length === 0) return { allowed: true, results: [] };
      return run(
        () => runBuckets(takes, opts.now, false),
        () => local.takeTokensBatch(takes, opts),
      );
    },
    async adjustTokens(adjustments, opts = {}) {
      if (adjustments.length === 0) return;
      const takes = adjustments.map(({ delta, ...a }) => ({ ...a, cost: -delta }));
      takes.forEach(validateTake);
      await run(
        () => runBuckets(takes, opts.now, true),
        () => local.adjustTokens(adjustments, opts).then(() => ({ allowed: true, results: [] })),
      );
    },
    get(key) {
      return run(
        () => client.get(prefix + key),
        () => local.get(key),
      );
    },
    async set(key, value, ttlMs) {
      if (!(ttlMs > 0)) return store.del(key);
      await run(
        async () => void (await client.set(prefix + key, value, "PX", Math.ceil(ttlMs))),
        () => local.set(key, value, ttlMs),
      );
    },
    async del(key) {
      await run(
        async () => void (await client.del(prefix + key)),
        () => local.del(key),
      );
    },
    async publish(channel, message) {
      await run(
        async () => void (await client.publish(prefix + channel, message)),
        async () => deliver(prefix + channel, message), // other instances miss it; they learn of gaps on reconnect
      );
    },
    async subscribe(channel, onMessage, onGap) {
      const full = prefix + channel;
      const sub = getSubscriber();
      let set = handlers.get(full);
      const isNew = !set;
      if (!set) handlers.set(full, (set = new Set()));
      const h: Handler = { onMessage, onGap };
      set.add(h);
      if (isNew) {
        if (sub.status === "ready") {
          await sub
            .subscribe(full)
            .catch((err: Error) => log.warn("redis subscribe failed", { channel, err: err.message }));
        } else if (await subscriberReady()) {
          await resubscribed; // the ready handler subscribed every channel, this one included
        } else {
          // Not connected yet: the ready handler subscribes when Redis comes, and reports the gap.
          gapOnNextReady = true;
          log.warn(
            "redis unreachable: subscribed locally, messages from other instances arrive once it returns",
            {
              channel,
            },
          );
        }
      }
      return async () => {
        set.delete(h);
        if (set.size === 0 && handlers.get(full) === set) {
          handlers.delete(full);
          if (sub.status === "ready") await sub.unsubscribe(full).catch(() => {});
        }
      };
    },
    status() {
      return degraded
        ? { kind: "redis", degraded: true, since: degraded.since, reason: degraded.reason }
        : { kind: "redis", degraded: false };
    },
    async close() {
      closed = true;
      clearInterval(probeTimer);
      handlers.clear();
      await Promise.allSettled([endConnection(subscriber), endConnection(client)]);
      await local.close();
    },
  };
  return store;
}
