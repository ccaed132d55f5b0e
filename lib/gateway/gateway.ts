// The gateway core as a node:http request listener, mountable without Next (server.ts mounts it before Next's
// router; tests mount it alone). Free of Next imports: node streams and node:http only.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "@/lib/db/client";
import type { Store } from "@/lib/store";
import { newId } from "@/lib/ids";
import { sendError } from "./http";

/** A caller's own trace id is echoed back when it is short and plain. */
const SANE_CLIENT_ID = /^[A-Za-z0-9._:-]{8,128}$/;
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
import { Catalog } from "@/lib/catalog/catalog";
import { UsageRecorder } from "@/lib/usage/recorder";
import type { PipelineDeps } from "./pipeline";
import { recordRateLimitRejection } from "@/lib/observability/metrics";
import { ResponseCache } from "@/lib/routing/cache";
import { RateLimiter } from "@/lib/routing/rate-limit";
import type { RelayBilling } from "@/lib/billing/relay-billing";

export interface GatewayOptions {
  getDb: () => Db | Promise<Db>;
  /** Shared state: revocations arrive through it. */
  store: Store;
  /** Defaults to a private cache sized and timed from the environment (server.ts passes the process-wide one). */
  keyCache?: KeyCache;
  lastUsedIntervalMs?: number;
  /** The current catalog snapshot (lib/catalog/runtime.ts); an empty catalog when omitted. */
  catalog?: () => Catalog;
  /** Where usage records go; a private recorder on getDb when omitted. Flushed by close(). */
  usage?: UsageRecorder;
  timeouts?: PipelineDeps["timeouts"];
  /** Live deployment health (lib/routing/health.ts); without it every deployment counts as healthy. */
  health?: PipelineDeps["health"];
  /** Routing policies in force (lib/routing/policies.ts); without them, priority order. */
  policies?: PipelineDeps["policies"];
  /**
   * Credit holds and charges (lib/billing/relay-billing.ts); without it requests are not billed. The usage
   * recorder then writes charges against this instance's credit leases. Started here, closed by close().
   */
  billing?: RelayBilling;
  /** A workspace's balance fell under its auto top-up threshold after a charge (lib/billing/topups.ts). */
  onLowBalance?: (tenantId: string) => void;
}

export interface Gateway {
  /** The request listener for `/api/v1/*`. Every response carries `x-request-id`. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  keyCache: KeyCache;
  lastUsed: LastUsedRecorder;
  usage: UsageRecorder;
  /** Evicts a key hash here and on every instance sharing the store. */
  invalidateApiKey(hash: string): Promise<void>;
  /** Stops listening for revocations and flushes last-used times and usage records. */
  close(): Promise<void>;
}

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const keyCache =
    opts.keyCache ?? new KeyCache(createDbKeyLoader(opts.getDb), keyCacheOptionsFromEnv(opts.store.kind));
  const lastUsed = new LastUsedRecorder(opts.getDb, opts.lastUsedIntervalMs);
  const empty = new Catalog([]);
  const usage = opts.usage ?? new UsageRecorder({ getDb: async () => opts.getDb() });
  const { billing } = opts;
  if (billing) {
    usage.setWriteListener(billing.book.instanceId, (batch) => {
      billing.book.applyWritten(batch.charged, batch.unleased);
      for (const b of batch.balances) {
        if (b.autoTopUpBelowMicros !== null && b.balanceMicros < b.autoTopUpBelowMicros)
          opts.onLowBalance?.(b.tenantId);
      }
    });
    await billing.start();
  }
  const pipeline: PipelineDeps = {
    catalog: opts.catalog ?? (() => empty),
    usage,
    timeouts: opts.timeouts,
    health: opts.health,
    policies: opts.policies,
    rateLimiter: new RateLimiter({
      store: opts.store,
      onRejected: (scope, kind, tenantId) =>
        recordRateLimitRejection({
          workspace: tenantId,
          scope: scope === "tenant" ? "workspace" : "key",
          kind,
        }),
    }),
    cache: new ResponseCache({ store: opts.store }),
    billing,
  };
  const deps: GatewayDeps = { keyCache, lastUsed, pipeline, getDb: async () => opts.getDb() };
  const unsubscribe = await listenForRevocations(keyCache, opts.store);
  lastUsed.start();

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // The relay's request id keys the usage record, so it is always ours; a caller's own trace id is echoed
    // back separately (a reused or forged id must never collide with another request's record).
    const requestId = newId("req");
    res.setHeader("x-request-id", requestId);
    const clientId = req.headers["x-request-id"];
    if (typeof clientId === "string" && SANE_CLIENT_ID.test(clientId)) {
      res.setHeader("x-client-request-id", clientId);
    }
    const route = matchRoute(req.method, req.url);
    if (typeof route !== "function") return sendError(res, route, requestId);
    route({ req, res, requestId, deps }).catch((err: unknown) => sendError(res, err, requestId));
  }

  return {
    handle,
    keyCache,
    lastUsed,
    usage,
    async invalidateApiKey(hash) {
      keyCache.evict(hash);
      await publishRevocation(opts.store, hash);
    },
    async close() {
      await unsubscribe();
      await lastUsed.stop();
      await usage.close();
      await billing?.close(); // after the last charges are written: returns this instance's leases
    },
  };
}
