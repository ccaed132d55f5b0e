// The gateway core as a node:http request listener, mountable without Next (server.ts mounts it before Next's
// router; tests mount it alone). Free of Next imports: node streams and node:http only.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "@/lib/db/client";
import type { Store } from "@/lib/store";
import { sendError, requestIdFor } from "./http";
import {
  KeyCache,
  createDbKeyLoader,
  keyCacheOptionsFromEnv,
  listenForRevocations,
  publishRevocation,
} from "./key-cache";
import { LastUsedRecorder } from "./last-used";
import { matchRoute } from "./routes";
import type { GatewayDeps } from "./types";

export interface GatewayOptions {
  getDb: () => Db | Promise<Db>;
  /** Shared state: revocations arrive through it. */
  store: Store;
  /** Defaults to a private cache sized and timed from the environment (server.ts passes the process-wide one). */
  keyCache?: KeyCache;
  lastUsedIntervalMs?: number;
}

export interface Gateway {
  /** The request listener for `/api/v1/*`. Every response carries `x-request-id`. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  keyCache: KeyCache;
  lastUsed: LastUsedRecorder;
  /** Evicts a key hash here and on every instance sharing the store. */
  invalidateApiKey(hash: string): Promise<void>;
  /** Stops listening for revocations and flushes last-used times. */
  close(): Promise<void>;
}

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const keyCache =
    opts.keyCache ?? new KeyCache(createDbKeyLoader(opts.getDb), keyCacheOptionsFromEnv(opts.store.kind));
  const lastUsed = new LastUsedRecorder(opts.getDb, opts.lastUsedIntervalMs);
  const deps: GatewayDeps = { keyCache, lastUsed };
  const unsubscribe = await listenForRevocations(keyCache, opts.store);
  lastUsed.start();

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const requestId = requestIdFor(req);
    res.setHeader("x-request-id", requestId);
    const route = matchRoute(req.method, req.url);
    if (typeof route !== "function") return sendError(res, route, requestId);
    route({ req, res, requestId, deps }).catch((err: unknown) => sendError(res, err, requestId));
  }

  return {
    handle,
    keyCache,
    lastUsed,
    async invalidateApiKey(hash) {
      keyCache.evict(hash);
      await publishRevocation(opts.store, hash);
    },
    async close() {
      await unsubscribe();
      await lastUsed.stop();
    },
  };
}
