// Rate limits per API key and per workspace (requests and tokens per minute), and the workspace's response cache.
// Invariants:
//  - every verb takes ctx first and every query carries `tenantId: ctx.tenant.id`: another workspace's key is a 404;
//  - limits travel with the key record in every instance's key cache (lib/gateway/key-cache.ts), so a change
//    evicts the affected keys everywhere (invalidateApiKey) and applies within seconds without a restart;
//  - null means "no limit"; a field left out is left unchanged.
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { invalidateApiKey } from "@/lib/gateway/key-cache";
import { requireRole, type TenantCtx } from "./context";

/** The largest value the Int columns hold. */
const MAX_INT = 2_147_483_647;

/** Seconds a cached response may be served: one second to one day. */
export const CACHE_TTL_RANGE = { min: 1, max: 86_400 } as const;

const Limit = (unit: string) =>
  z
    .number({ error: `must be a whole number of ${unit}, or null for no limit` })
    .int(`must be a whole number of ${unit}`)
    .min(1, "must be at least 1 (null removes the limit)")
    .max(MAX_INT, `must be at most ${MAX_INT}`)
    .nullable()
    .optional();

export const KeyLimitsInput = z.strictObject(
  { rpm: Limit("requests per minute"), tpm: Limit("tokens per minute") },
  { error: "must be an object { rpm?, tpm? }" },
);
export type KeyLimitsInput = z.input<typeof KeyLimitsInput>;

export const WorkspaceLimitsInput = z.strictObject(
  {
    rpm: Limit("requests per minute"),
    tpm: Limit("tokens per minute"),
    cacheEnabled: z.boolean({ error: "must be true or false" }).optional(),
    cacheTtlSeconds: z
      .number({ error: "must be a whole number of seconds" })
      .int("must be a whole number of seconds")
      .min(CACHE_TTL_RANGE.min, `must be at least ${CACHE_TTL_RANGE.min} second`)
      .max(CACHE_TTL_RANGE.max, `must be at most ${CACHE_TTL_RANGE.max} seconds (one day)`)
      .optional(),
  },
  { error: "must be an object { rpm?, tpm?, cacheEnabled?, cacheTtlSeconds? }" },
);
export type WorkspaceLimitsInput = z.input<typeof WorkspaceLimitsInput>;

const KEY_LIMIT_FIELDS = { id: true, name: true, hint: true, rpmLimit: true, tpmLimit: true } as const;
const WORKSPACE_LIMIT_FIELDS = {
  rpmLimit: true,
  tpmLimit: true,
  cacheEnabled: true,
  cacheTtlSeconds: true,
} as const;

/** Fetch-or-throw: the key in this workspace, or a 404 (also for another workspace's key: no existence leak). */
async function getKeyInTenant(ctx: TenantCtx, keyId: string) {
  const key = await ctx.db.apiKey.findFirst({
    where: { id: keyId, tenantId: ctx.tenant.id },
    select: { ...KEY_LIMIT_FIELDS, hash: true },
  });
  if (!key) throw new AppError("not_found", "API key not found.");
  return key;
}

/** A key's own limits (null: none). Any member may read them. */
export async function getKeyLimits(ctx: TenantCtx, keyId: string) {
  const { id, name, hint, rpmLimit, tpmLimit } = await getKeyInTenant(ctx, keyId);
  return { id, name, hint, rpmLimit, tpmLimit };
}

/** Sets a key's RPM/TPM limits (admins and owners); every instance sees them once its cached record is evicted. */
export async function setKeyLimits(ctx: TenantCtx, keyId: string, input: KeyLimitsInput) {
  requireRole(ctx, "admin", "change rate limits");
  const { rpm, tpm } = KeyLimitsInput.parse(input);
  const key = await getKeyInTenant(ctx, keyId);
  const data = { ...(rpm !== undefined && { rpmLimit: rpm }), ...(tpm !== undefined && { tpmLimit: tpm }) };
  if (Object.keys(data).length > 0) {
    await ctx.db.apiKey.updateMany({ where: { id: key.id, tenantId: ctx.tenant.id }, data });
    await invalidateApiKey(key.hash);
  }
  return getKeyLimits(ctx, key.id);
}

/** The workspace's limits and cache settings. Any member may read them. */
export async function getWorkspaceLimits(ctx: TenantCtx) {
  const tenant = await ctx.db.tenant.findUnique({
    where: { id: ctx.tenant.id },
    select: WORKSPACE_LIMIT_FIELDS,
  });
  if (!tenant) throw new AppError("not_found", "Workspace not found.");
  return tenant;
}

/**
 * Sets the workspace-wide RPM/TPM limits and the response cache (admins and owners). The settings ride on every
 * key's cached record, so each live key of the workspace is evicted on every instance.
 */
export async function setWorkspaceLimits(ctx: TenantCtx, input: WorkspaceLimitsInput) {
  requireRole(ctx, "admin", "change rate limits and the response cache");
  const { rpm, tpm, cacheEnabled, cacheTtlSeconds } = WorkspaceLimitsInput.parse(input);
  const data = {
    ...(rpm !== undefined && { rpmLimit: rpm }),
    ...(tpm !== undefined && { tpmLimit: tpm }),
    ...(cacheEnabled !== undefined && { cacheEnabled }),
    ...(cacheTtlSeconds !== undefined && { cacheTtlSeconds }),
  };
  if (Object.keys(data).length > 0) {
    await ctx.db.tenant.update({ where: { id: ctx.tenant.id }, data });
    // Revoked keys are refused whatever their cached record says: only live ones need to reload.
    const keys = await ctx.db.apiKey.findMany({
      where: { tenantId: ctx.tenant.id, revokedAt: null },
      select: { hash: true },
    });
    await Promise.all(keys.map((k) => invalidateApiKey(k.hash)));
  }
  return getWorkspaceLimits(ctx);
}
