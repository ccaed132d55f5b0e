// The deployments a workspace can use, with their prices in force and live health (the providers page), and the
// operator's switch to take a deployment out of (or back into) rotation. Invariants:
//  - members see only enabled deployments (the catalog snapshot the relay routes on); the operator also sees
//    disabled ones, from the database;
//  - enabling or disabling is for platform admins only (User.isPlatformAdmin), audited, and reloads this process's
//    catalog at once; other instances pick it up on their next background refresh (a few seconds);
//  - health is this instance's view: latency and error rates are per instance; circuit states and cooldowns are
//    shared when the store is Redis.
import { isPlatformAdmin } from "@/lib/admin/operator";
import { recordAudit } from "@/lib/audit";
import type { PriceSet } from "@/lib/billing/price-data";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { healthView, type DeploymentHealthView } from "@/lib/routing/explain";
import { getHealthTracker, type HealthTracker } from "@/lib/routing/health";
import { loadWorkspaceRouting } from "@/lib/routing/policies";
import { regionAllows, type WorkspaceConstraints } from "@/lib/routing/policy";
import type { MinutePoint } from "@/lib/routing/percentiles";
import { getSecrets } from "@/lib/secrets";
import { getStore } from "@/lib/store";
import type { TenantCtx } from "@/lib/tenancy/context";
import { loadCatalog, type Catalog, type CatalogDeployment } from "./catalog";
import { getProcessCatalog, quirksFor } from "./runtime";

/** Micro-dollars per million tokens, as decimal strings (JSON has no BigInt). */
export type PriceView = Record<keyof PriceSet, string>;

export interface DeploymentView {
  id: string;
  model: string;
  modelKind: "chat" | "embeddings";
  provider: string;
  protocol: string;
  upstreamModel: string;
  region: string | null;
  isDemo: boolean;
  noDataRetention: boolean;
  capabilities: string[];
  priority: number;
  enabled: boolean;
  /** Null when this workspace may use it; otherwise why not (its region or retention settings). */
  excludedBy: string | null;
  prices: PriceView;
  health: DeploymentHealthView;
  /** Requests, failures and mean time to first token per minute, oldest first (this instance). */
  history: MinutePoint[];
}

export interface ProvidersHealth {
  generatedAt: string;
  /** Where circuit states are shared: "memory" means this instance only. */
  store: "memory" | "redis";
  storeDegraded: boolean;
  constraints: WorkspaceConstraints;
  canToggle: boolean;
  deployments: DeploymentView[];
}

const priceView = (p: PriceSet): PriceView => ({
  input: p.input.toString(),
  cachedInput: p.cachedInput.toString(),
  cacheWrite: p.cacheWrite.toString(),
  output: p.output.toString(),
});

function excludedBy(region: string | null, noDataRetention: boolean, c: WorkspaceConstraints): string | null {
  if (c.region && !regionAllows(c.region.toLowerCase(), region))
    return `outside the workspace's region ${c.region}`;
  if (c.zeroDataRetention && !noDataRetention)
    return "may retain data (the workspace requires zero retention)";
  return null;
}

/** Enabling and disabling deployments is for platform admins (403 for anyone else). */
export async function assertMayToggleDeployments(db: Db, userId: string | null | undefined): Promise<void> {
  if (!(await isPlatformAdmin(db, userId))) {
    throw new AppError("permission_denied", "Only the platform operator can enable or disable deployments.");
  }
}

/** The process's catalog snapshot, or one loaded now (outside the server: tests, scripts). */
export async function currentCatalog(db: Db): Promise<Catalog> {
  return getProcessCatalog()?.get() ?? loadCatalog(db, getSecrets().masterKey, quirksFor);
}

/**
 * Every deployment the workspace can route to, with prices in force and live health; for the operator also the
 * disabled ones. Any member may read it.
 */
export async function listWorkspaceDeployments(
  ctx: TenantCtx,
  opts: {
    catalog?: Catalog;
    health?: Pick<HealthTracker, "snapshots" | "history">;
    storeKind?: "memory" | "redis";
  } = {},
): Promise<ProvidersHealth> {
  const health = opts.health ?? getHealthTracker();
  const [catalog, routing, operator] = await Promise.all([
    opts.catalog ?? currentCatalog(ctx.db),
    loadWorkspaceRouting(ctx.db, ctx.tenant.id),
    isPlatformAdmin(ctx.db, ctx.user?.id),
  ]);
  const constraints = routing.constraints;
  // Only deployments the tracker knows (asking for an unknown one would make it known, with no data).
  const known = new Map(health.snapshots().map((s) => [s.deploymentId, s]));
  const view = (
    d: Pick<CatalogDeployment, "id" | "upstreamModel" | "priority" | "prices"> & {
      capabilities: Iterable<string>;
      provider: {
        name: string;
        protocol: string;
        region: string | null;
        isDemo: boolean;
        noDataRetention: boolean;
      };
    },
    model: { name: string; kind: string },
    enabled: boolean,
  ): DeploymentView => ({
    id: d.id,
    model: model.name,
    modelKind: model.kind === "embeddings" ? "embeddings" : "chat",
    provider: d.provider.name,
    protocol: d.provider.protocol,
    upstreamModel: d.upstreamModel,
    region: d.provider.region,
    isDemo: d.provider.isDemo,
    noDataRetention: d.provider.noDataRetention,
    capabilities: [...d.capabilities].sort(),
    priority: d.priority,
    enabled,
    excludedBy: excludedBy(d.provider.region, d.provider.noDataRetention, constraints),
    prices: priceView(d.prices),
    health: healthView(enabled ? known.get(d.id) : undefined),
    history: health.history(d.id),
  });

  const deployments = catalog.models.flatMap((m) => m.deployments.map((d) => view(d, m, true)));
  if (operator)
    deployments.push(
      ...(await disabledDeployments(ctx.db, new Set(deployments.map((d) => d.id)))).map((x) =>
        view(x.d, x.model, false),
      ),
    );
  deployments.sort(
    (a, b) =>
      a.model.localeCompare(b.model) || a.priority - b.priority || a.provider.localeCompare(b.provider),
  );

  const status = getStore().status();
  return {
    generatedAt: new Date().toISOString(),
    store: opts.storeKind ?? (status.kind === "redis" ? "redis" : "memory"),
    storeDegraded: status.degraded,
    constraints,
    canToggle: operator,
    deployments,
  };
}

/** Deployments not in the catalog snapshot (disabled, or on a disabled provider), with their price in force. */
async function disabledDeployments(db: Db, known: Set<string>) {
  const now = new Date();
  const rows = await db.deployment.findMany({
    where: { OR: [{ enabled: false }, { provider: { enabled: false } }] },
    include: {
      provider: true,
      model: true,
      prices: { where: { effectiveFrom: { lte: now } }, orderBy: { effectiveFrom: "desc" }, take: 1 },
    },
  });
  return rows
    .filter((r) => !known.has(r.id))
    .map((r) => {
      const p = r.prices[0];
      return {
        model: r.model,
        d: {
          id: r.id,
          upstreamModel: r.upstreamModel,
          priority: r.priority,
          capabilities: r.capabilities,
          provider: r.provider,
          prices: {
            input: p?.inputMicros ?? 0n,
            cachedInput: p?.cachedInputMicros ?? 0n,
            cacheWrite: p?.cacheWriteMicros ?? 0n,
            output: p?.outputMicros ?? 0n,
          },
        },
      };
    });
}

/**
 * Takes a deployment out of rotation (or puts it back): platform admins only, audited, and this process's catalog
 * reloaded at once (others within their refresh interval).
 */
export async function setDeploymentEnabled(
  db: Db,
  actor: { userId: string | null; tenantId?: string | null },
  deploymentId: string,
  enabled: boolean,
): Promise<{ id: string; enabled: boolean }> {
  await assertMayToggleDeployments(db, actor.userId);
  const before = await db.deployment.findUnique({
    where: { id: deploymentId },
    select: { id: true, enabled: true, upstreamModel: true, provider: { select: { name: true } } },
  });
  if (!before) throw new AppError("not_found", "Deployment not found.");
  if (before.enabled !== enabled) {
    await db.deployment.update({ where: { id: deploymentId }, data: { enabled } });
    await recordAudit(db, {
      tenantId: null,
      actorUserId: actor.userId,
      action: enabled ? "deployment.enable" : "deployment.disable",
      target: deploymentId,
      details: { provider: before.provider.name, upstreamModel: before.upstreamModel },
    });
  }
  await getProcessCatalog()?.refresh();
  return { id: deploymentId, enabled };
}
