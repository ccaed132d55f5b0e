// The in-process store: the default when REDIS_URL is unset (one instance).
import type { Store } from "./types";

type Listener = (message: string) => void;

export function createMemoryStore(opts: { now?: () => number; sweepMs?: number } = {}): Store {
  const now = opts.now ?? Date.now;
  const counters = new Map<string, { value: number; resetAt: number }>();
  const channels = new Map<string, Set<Listener>>();

  // Expired counters are dropped lazily on use and by a periodic sweep, so abandoned keys do not accumulate.
  const sweep = setInterval(() => {
    const t = now();
    for (const [k, c] of counters) if (c.resetAt <= t) counters.delete(k);
  }, opts.sweepMs ?? 30_000);
  sweep.unref();

  return {
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
    async close() {
      clearInterval(sweep);
      counters.clear();
      channels.clear();
    },
  };
}
