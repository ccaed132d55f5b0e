import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "@/lib/db/client";
import type { KeyCache } from "./key-cache";
import type { LastUsedRecorder } from "./last-used";
import type { PipelineDeps } from "./pipeline";

/** Who is calling: set by withApiKey, passed to every authenticated relay handler. */
export interface ApiKeyContext {
  key: {
    id: string;
    tenantId: string;
    name: string;
    rpmLimit?: number | null;
    tpmLimit?: number | null;
    /** Spend cap (micro-dollars) per calendar month (UTC) or over the key's life. */
    spendLimitMicros?: bigint | null;
    spendLimitPeriod?: string | null;
    /** Models this key may call (public names or aliases); empty or absent: all. */
    allowedModels?: string[];
  };
  tenant: {
    id: string;
    slug: string;
    name: string;
    rpmLimit?: number | null;
    tpmLimit?: number | null;
    /** Exact-match response cache opt-in and TTL (lib/routing/cache.ts). */
    cacheEnabled?: boolean;
    cacheTtlSeconds?: number;
    /** Request/response bodies kept for the request log (opt-in), for this many days; never under zero retention. */
    storeBodies?: boolean;
    bodyRetentionDays?: number;
    zeroDataRetention?: boolean;
    /** Billing (lib/billing/relay-billing.ts): markup override, monthly budget and whether it stops traffic. */
    markupBps?: number | null;
    monthlyBudgetMicros?: bigint | null;
    budgetHardLimit?: boolean;
  };
}

/** What the key cache holds for a hash. Times are epoch milliseconds. */
export interface KeyRecord {
  ctx: ApiKeyContext;
  revokedAt: number | null;
  expiresAt: number | null;
}

/** Per-gateway services a route handler may use (one set per gateway instance). */
export interface GatewayDeps {
  keyCache: KeyCache;
  /** The database, for the rare handler that reads it (the per-request cost lookup). */
  getDb: () => Promise<Db>;
  lastUsed: LastUsedRecorder;
  /** The relay's catalog, usage recorder and timeouts. */
  pipeline: PipelineDeps;
}

export interface RouteCall {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  deps: GatewayDeps;
}

export type RouteHandler = (call: RouteCall) => Promise<void>;
