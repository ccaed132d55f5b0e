// The Redis store: shared by every instance pointing at the same REDIS_URL. Counters are one atomic script
// (INCRBY + PEXPIRE on first use); pub/sub uses a second, dedicated connection created on first subscribe.
import { Redis } from "ioredis";
import { log } from "@/lib/observability/log";
import type { Store } from "./types";

// Sets the expiry when the key has none (new key, or one created without TTL), so a window never lives forever.
const INCR_WITH_TTL = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
local t = redis.call('PTTL', KEYS[1])
if t < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  t = tonumber(ARGV[2])
end
return {v, t}`;

type WithIncr = Redis & { syIncr(key: string, by: number, ttlMs: number): Promise<[number, number]> };

export interface RedisStoreOptions {
  url: string;
  /** Prepended to every key and channel, so several installations (or tests) can share one Redis. */
  prefix?: string;
}

export function createRedisStore({ url, prefix = "sy:" }: RedisStoreOptions): Store {
  const options = { maxRetriesPerRequest: 2, connectTimeout: 5_000, lazyConnect: false } as const;
  const client = new Redis(url, options) as WithIncr;
  client.defineCommand("syIncr", { numberOfKeys: 1, lua: INCR_WITH_TTL });
  client.on("error", (err: Error) => log.warn("redis connection error", { err: err.message }));

  let subscriber: Redis | undefined;
  const handlers = new Map<string, Set<{ onMessage: (m: string) => void; onGap?: () => void }>>();

  function getSubscriber(): Redis {
    if (subscriber) return subscriber;
    const sub = client.duplicate();
    let readyBefore = false;
    sub.on("error", (err: Error) => log.warn("redis subscriber error", { err: err.message }));
    sub.on("ready", () => {
      // ioredis re-subscribes by itself after a reconnect; what was published meanwhile is lost.
      if (readyBefore) for (const set of handlers.values()) for (const h of set) h.onGap?.();
      readyBefore = true;
    });
    sub.on("message", (channel: string, message: string) => {
      const set = handlers.get(channel);
      if (!set) return;
      for (const h of set) {
        try {
          h.onMessage(message);
        } catch (err) {
          log.error("store subscriber failed", { channel, err });
        }
      }
    });
    subscriber = sub;
    return sub;
  }

  return {
    kind: "redis",
    async incr(key, ttlMs, by = 1) {
      const [value, resetInMs] = await client.syIncr(prefix + key, by, Math.max(1, Math.ceil(ttlMs)));
      return { value: Number(value), resetInMs: Number(resetInMs) };
    },
    async publish(channel, message) {
      await client.publish(prefix + channel, message);
    },
    async subscribe(channel, onMessage, onGap) {
      const full = prefix + channel;
      const sub = getSubscriber();
      let set = handlers.get(full);
      if (!set) {
        handlers.set(full, (set = new Set()));
        await sub.subscribe(full);
      }
      const h = { onMessage, onGap };
      set.add(h);
      return async () => {
        set.delete(h);
        if (set.size === 0 && handlers.get(full) === set) {
          handlers.delete(full);
          await sub.unsubscribe(full).catch(() => {});
        }
      };
    },
    async close() {
      handlers.clear();
      await Promise.allSettled([subscriber?.quit(), client.quit()]);
    },
  };
}
