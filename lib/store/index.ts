// getStore(): the process-wide shared-state store (lib/store/types.ts). Redis when REDIS_URL is set, in-process
// otherwise. Kept on globalThis because Next's bundles and the server entry are separate module graphs in one
// process and must share one store (one Redis connection, one in-process pub/sub).
import { env } from "@/lib/env";
import { createMemoryStore } from "./memory";
import { createRedisStore } from "./redis";
import type { Store, StoreStatus } from "./types";

export type {
  Store,
  StoreStatus,
  TakeBatchResult,
  TakeResult,
  TokenAdjustment,
  TokenBucket,
  TokenTake,
} from "./types";
export { createMemoryStore } from "./memory";
export { createRedisStore } from "./redis";

const KEY = Symbol.for("switchyard.store");
type GlobalWithStore = typeof globalThis & { [KEY]?: Store };

/** A new store; `redisUrl` undefined means in-process. Tests use this for isolated instances. */
export function createStore(opts: { redisUrl?: string; prefix?: string } = {}): Store {
  return opts.redisUrl ? createRedisStore({ url: opts.redisUrl, prefix: opts.prefix }) : createMemoryStore();
}

export function getStore(): Store {
  const g = globalThis as GlobalWithStore;
  g[KEY] ??= createStore({ redisUrl: env().REDIS_URL, prefix: env().REDIS_PREFIX });
  return g[KEY];
}

/**
 * Whether the process-wide store really shares state right now: `degraded` is true while Redis is unreachable
 * and this instance runs on local state (health checks and metrics report it).
 */
export function storeStatus(): StoreStatus {
  return getStore().status();
}

/** Closes the process-wide store (graceful shutdown). */
export async function closeStore(): Promise<void> {
  const g = globalThis as GlobalWithStore;
  const store = g[KEY];
  delete g[KEY];
  await store?.close();
}
