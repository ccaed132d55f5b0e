// A key's limits (rate, spend, models and lifetime) and the workspace's rate limits and response cache.
// Invariants:
//  - every verb takes ctx first and every query carries `tenantId: ctx.tenant.id`: another workspace's key is a 404;
//  - limits travel with the key record in every instance's key cache (lib/gateway/key-cache.ts), so a change
//    evicts the affected keys everywhere (invalidateApiKey) and applies within seconds without a restart;
//  - null means "no limit"; a field left out is left unchanged;
//  - money is exact: a spend limit typed as "12.50" is stored as 12_500_000 micro-dollars, never through a float.
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { invalidateApiKey } from "@/lib/gateway/key-cache";
import { requireRole, type TenantCtx } from "./context";
import { recordAudit } from "@/lib/audit";
import { listModelNames } from "@/lib/catalog/model-names";

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

/** The largest spend limit accepted: one billion dollars (far inside the BigInt column). */
const MAX_SPEND_MICROS = 1_000_000_000n * 1_000_000n;

/** "12.50", "$12.5", 12.5 -> micro-dollars; "", "none" or null -> null (no limit). Exact: no float arithmetic. */
const SpendLimit = z
  .union([z.string(), z.number()], { error: 'must be an amount in dollars like "12.50", or "none"' })
  .nullable()
  .optional()
  .transform((v, c) => {
    if (v === undefined || v === null) return v;
    const text = (typeof v === "number" ? String(v) : v).trim().replace(/^\$/, "");
    if (text === "" || text.toLowerCase() === "none") return null;
    const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
    if (!m) {
      c.addIssue({ code: "custom", message: 'must be an amount in dollars like "12.50" (at most 6 decimals), or "none"' });
      return z.NEVER;
    }
    const micros = BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0"));
    if (micros <= 0n) c.addIssue({ code: "custom", message: 'must be more than $0 ("none" removes the limit)' });
    else if (micros > MAX_SPEND_MICROS) c.addIssue({ code: "custom", message: "must be at most $1,000,000,000" });
    return micros;
  });

export const SPEND_LIMIT_PERIODS = ["monthly", "total"] as const;

export const KeyLimitsInput = z.strictObject(
  {
    rpm: Limit("requests per minute"),
    tpm: Limit("tokens per minute"),
    /** USD as text, exact to the micro-dollar; null, "" or "none" removes the limit. */
    spendLimit: SpendLimit,
    /** What the spend limit counts: this calendar month (UTC) or the key's whole life. */
    spendLimitPeriod: z.enum(SPEND_LIMIT_PERIODS, { error: 'must be "monthly" or "total"' }).optional(),
    /** Public model names this key may call; empty: every model. */
    allowedModels: z
      .array(z.string({ error: "must be model names" }).trim().min(1, "must not contain an empty name").max(200), {
        error: "must be a list of model names",
      })
      .max(500, "must list at most 500 models")
      .optional()
      .transform((v) => (v === undefined ? v : [...new Set(v)])),
    /** ISO date or date-time in the future; null or "" for a key that does not expire. */
    expiresAt: z
      .union([z.literal(""), z.null(), z.coerce.date()], { error: "must be a date, or null for no expiry" })
      .optional()
      .transform((v) => (v === "" ? null : v)),
  },
  { error: "must be an object { rpm?, tpm?, spendLimit?, spendLimitPeriod?, allowedModels?, expiresAt? }" },
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

const KEY_LIMIT_FIELDS = {
  id: true,
  name: true,
  hint: true,
  rpmLimit: true,
  tpmLimit: true,
  spendLimitMicros: true,
  spendLimitPeriod: true,
  allowedModels: true,
  expiresAt: true,
} as const;
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
    select: { ...KEY_LIMIT_FIELDS, hash: true, revokedAt: true },
  });
  if (!key) throw new AppError("not_found", "API key not found.");
  return key;
}

/** A key's own limits (null: none; allowedModels empty: all). Any member may read them. */
export async function getKeyLimits(ctx: TenantCtx, keyId: string) {
  const { hash: _hash, revokedAt: _revokedAt, ...limits } = await getKeyInTenant(ctx, keyId);
  return limits;
}

/**
 * Sets a key's limits (admins and owners): RPM/TPM, spend limit and its period, allowed models, expiry. Every
 * instance sees them within seconds: the key's cached record is evicted here and on every instance, so the next
 * request reloads it. Model names must be in the catalog; an expiry must be in the future; a revoked key is final.
 */
export async function setKeyLimits(ctx: TenantCtx, keyId: string, input: KeyLimitsInput, now = new Date()) {
  requireRole(ctx, "admin", "change an API key's limits");
  const { rpm, tpm, spendLimit, spendLimitPeriod, allowedModels, expiresAt } = KeyLimitsInput.parse(input);
  if (expiresAt && expiresAt <= now) {
    throw new AppError("invalid_request", "expiresAt: must be in the future.", { param: "expiresAt" });
  }
  const key = await getKeyInTenant(ctx, keyId);
  if (key.revokedAt) throw new AppError("conflict", "This key is revoked; its limits can no longer change.");
  if (allowedModels && allowedModels.length > 0) {
    const known = new Set(await listModelNames(ctx.db));
    const unknown = allowedModels.find((m) => !known.has(m));
    if (unknown !== undefined) {
      throw new AppError("invalid_request", `allowedModels: unknown model "${unknown}".`, {
        param: "allowedModels",
      });
    }
  }
  const data = {
    ...(rpm !== undefined && { rpmLimit: rpm }),
    ...(tpm !== undefined && { tpmLimit: tpm }),
    ...(spendLimit !== undefined && { spendLimitMicros: spendLimit }),
    ...(spendLimitPeriod !== undefined && { spendLimitPeriod }),
    ...(allowedModels !== undefined && { allowedModels }),
    ...(expiresAt !== undefined && { expiresAt }),
  };
  if (Object.keys(data).length > 0) {
    await ctx.db.apiKey.updateMany({ where: { id: key.id, tenantId: ctx.tenant.id }, data });
    await invalidateApiKey(key.hash);
    await recordAudit(ctx.db, {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.user?.id ?? null,
      action: "api_key.limits",
      target: key.id,
      details: data,
    });
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
