// Routing policies at rest and in force. Versioned: every save is a new row (author, time, note); the newest row
// per workspace is in force; a rollback saves an older document again. The platform default has tenantId null.
// On the request path policies come from an in-process cache (stale-while-revalidate, a few seconds); a save
// publishes on the shared store so every instance drops its copy at once. The cache also carries the workspace's
// routing constraints from its settings (region, zero data retention): they change through the same broadcast.
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { log } from "@/lib/observability/log";
import type { Store } from "@/lib/store";
import { requireRole, type TenantCtx } from "@/lib/tenancy/context";
import { RoutingPolicy, type WorkspaceConstraints } from "./policy";

export const POLICY_CHANNEL = "routing:policy";
const PLATFORM = "__platform__";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

async function latest(db: Db | Tx, tenantId: string | null) {
  return db.routingPolicy.findFirst({ where: { tenantId }, orderBy: { version: "desc" } });
}

/** The policy in force for a workspace (null: none of its own), or for the platform with tenantId null. */
export async function loadPolicy(db: Db, tenantId: string | null): Promise<RoutingPolicy | null> {
  const row = await latest(db, tenantId);
  return row ? RoutingPolicy.parse(row.document) : null;
}

const NO_CONSTRAINTS: WorkspaceConstraints = { region: null, zeroDataRetention: false };

/** The workspace's own policy and its routing constraints (settings), in one query. */
export async function loadWorkspaceRouting(
  db: Db,
  tenantId: string,
): Promise<{ policy: RoutingPolicy | null; constraints: WorkspaceConstraints }> {
  const row = await db.tenant.findUnique({
    where: { id: tenantId },
    select: {
      region: true,
      zeroDataRetention: true,
      routingPolicies: { orderBy: { version: "desc" }, take: 1, select: { document: true } },
    },
  });
  if (!row) return { policy: null, constraints: NO_CONSTRAINTS };
  const doc = row.routingPolicies[0]?.document;
  return {
    policy: doc === undefined ? null : RoutingPolicy.parse(doc),
    constraints: { region: row.region, zeroDataRetention: row.zeroDataRetention },
  };
}

async function insertVersion(
  db: Db,
  tenantId: string | null,
  document: RoutingPolicy,
  by: string | null,
  note: string | null,
) {
  return db.$transaction(async (tx) => {
    const prev = await latest(tx, tenantId);
    return tx.routingPolicy.create({
      data: {
        id: newId("rtp"),
        tenantId,
        version: (prev?.version ?? 0) + 1,
        document: document as object,
        createdById: by,
        note,
      },
    });
  });
}

/** Saves a new version of the workspace's policy (admins and owners); validation errors name the field. */
export async function saveWorkspacePolicy(ctx: TenantCtx, input: unknown, note?: string, store?: Store) {
  requireRole(ctx, "admin", "change the routing policy");
  const document = RoutingPolicy.parse(input);
  const row = await insertVersion(ctx.db, ctx.tenant.id, document, ctx.user?.id ?? null, note ?? null);
  await announce(store, ctx.tenant.id);
  return { version: row.version, createdAt: row.createdAt };
}

/** The operator's platform default, applied where a workspace has no rule of its own. */
export async function savePlatformPolicy(
  db: Db,
  input: unknown,
  by: string | null,
  note?: string,
  store?: Store,
) {
  const document = RoutingPolicy.parse(input);
  const row = await insertVersion(db, null, document, by, note ?? null);
  await announce(store, null);
  return { version: row.version, createdAt: row.createdAt };
}

export async function listPolicyVersions(ctx: TenantCtx) {
  return ctx.db.routingPolicy.findMany({
    where: { tenantId: ctx.tenant.id },
    orderBy: { version: "desc" },
    select: { version: true, createdAt: true, createdById: true, note: true, document: true },
  });
}

/** One-step rollback: the given version's document becomes the newest version. */
export async function rollbackWorkspacePolicy(ctx: TenantCtx, version: number, store?: Store) {
  requireRole(ctx, "admin", "change the routing policy");
  const row = await ctx.db.routingPolicy.findFirst({ where: { tenantId: ctx.tenant.id, version } });
  if (!row) throw new AppError("not_found", `Routing policy version ${version} not found.`);
  return saveWorkspacePolicy(ctx, row.document, `rollback to version ${version}`, store);
}

/** Tells every instance a workspace's routing inputs changed (its policy or its region / retention settings). */
export async function announcePolicyChange(store: Store | undefined, tenantId: string | null): Promise<void> {
  return announce(store, tenantId);
}

async function announce(store: Store | undefined, tenantId: string | null): Promise<void> {
  getProcessPolicyCache()?.invalidate(tenantId);
  await store?.publish(POLICY_CHANNEL, tenantId ?? PLATFORM).catch((err: unknown) =>
    log.warn("routing policy change not broadcast; other instances pick it up within their cache TTL", {
      error: (err as Error).message,
    }),
  );
}

interface Entry {
  policy: RoutingPolicy | null;
  /** Workspace entries only. */
  constraints?: WorkspaceConstraints;
  loadedAt: number;
  reloading?: boolean;
}

/**
 * Policies for the request path. A fresh entry is served without waiting; a stale one is served while it is
 * reloaded in the background; only the first request of a workspace waits for the database.
 */
export class PolicyCache {
  private readonly entries = new Map<string, Entry>();
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    private readonly getDb: () => Promise<Db>,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
  ) {}

  async start(store: Store): Promise<void> {
    this.unsubscribe = await store.subscribe(
      POLICY_CHANNEL,
      (tenant) => this.invalidate(tenant === PLATFORM ? null : tenant),
      () => this.entries.clear(),
    );
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = null;
  }

  invalidate(tenantId: string | null): void {
    this.entries.delete(tenantId ?? PLATFORM);
  }

  /** The workspace's own policy, the platform default, and the workspace's routing constraints. */
  async get(tenantId: string): Promise<{
    tenant: RoutingPolicy | null;
    platform: RoutingPolicy | null;
    workspace: WorkspaceConstraints;
  }> {
    const [tenant, platform] = await Promise.all([this.one(tenantId), this.one(null)]);
    return {
      tenant: tenant.policy,
      platform: platform.policy,
      workspace: tenant.constraints ?? NO_CONSTRAINTS,
    };
  }

  private one(tenantId: string | null): Entry | Promise<Entry> {
    const key = tenantId ?? PLATFORM;
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.loadedAt < this.ttlMs) return hit;
    if (hit) {
      if (!hit.reloading) {
        hit.reloading = true;
        void this.load(key, tenantId).catch(() => {});
      }
      return hit; // stale while revalidating
    }
    return this.load(key, tenantId);
  }

  private async load(key: string, tenantId: string | null): Promise<Entry> {
    try {
      const db = await this.getDb();
      const entry: Entry =
        tenantId === null
          ? { policy: await loadPolicy(db, null), loadedAt: Date.now() }
          : { ...(await loadWorkspaceRouting(db, tenantId)), loadedAt: Date.now() };
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, entry);
      return entry;
    } catch (err) {
      const stale = this.entries.get(key);
      if (!stale) throw err;
      stale.reloading = false;
      log.warn("routing policy reload failed; serving the previous one", { error: (err as Error).message });
      return stale;
    }
  }
}

const KEY = Symbol.for("switchyard.policy-cache");
type G = typeof globalThis & { [KEY]?: PolicyCache };

export function setProcessPolicyCache(cache: PolicyCache): void {
  (globalThis as G)[KEY] = cache;
}

export function getProcessPolicyCache(): PolicyCache | undefined {
  return (globalThis as G)[KEY];
}
