import type { IncomingMessage, ServerResponse } from "node:http";
import type { KeyCache } from "./key-cache";
import type { LastUsedRecorder } from "./last-used";
import type { PipelineDeps } from "./pipeline";

/** Who is calling: set by withApiKey, passed to every authenticated relay handler. */
export interface ApiKeyContext {
  key: { id: string; tenantId: string; name: string; rpmLimit?: number | null; tpmLimit?: number | null };
  tenant: {
    id: string;
    slug: string;
    name: string;
    rpmLimit?: number | null;
    tpmLimit?: number | null;
    /** Exact-match response cache opt-in and TTL (lib/routing/cache.ts). */
    cacheEnabled?: boolean;
    cacheTtlSeconds?: number;
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
