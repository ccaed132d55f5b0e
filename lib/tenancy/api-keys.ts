// API keys of a workspace. The key itself is returned once, at creation; only its SHA-256 hash and a hint are
// stored. Revocation evicts the key from every instance's verification cache (lib/gateway/key-cache.ts); so does a
// change of its limits, models or expiry (lib/tenancy/limits.ts setKeyLimits).
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { invalidateApiKey } from "@/lib/gateway/key-cache";
import { requireRole, type TenantCtx } from "./context";
import { apiKeyHint, generateApiKey, hashApiKey } from "./key-format";

export const CreateApiKeyInput = z.object({
  name: z.string().trim().min(1, "Key name is required.").max(80, "Key name must be at most 80 characters."),
  /** ISO date or date-time; omitted or empty for a key that does not expire. */
  expiresAt: z
    // The union's own message: a failing union otherwise reports only "Invalid input".
    .union([z.literal(""), z.null(), z.coerce.date()], { message: "Expiry must be a date." })
    .optional()
    .transform((v) => (v === "" || v === null || v === undefined ? null : v)),
});

const PUBLIC_FIELDS = {
  id: true,
  name: true,
  hint: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  rpmLimit: true,
  tpmLimit: true,
  spendLimitMicros: true,
  spendLimitPeriod: true,
  allowedModels: true,
} as const;

export async function createApiKey(ctx: TenantCtx, input: z.input<typeof CreateApiKeyInput>, now = new Date()) {
  requireRole(ctx, "admin", "create API keys");
  const { name, expiresAt } = CreateApiKeyInput.parse(input);
  if (expiresAt && expiresAt <= now) {
    throw new AppError("invalid_request", "Expiry must be in the future.", { param: "expiresAt" });
  }
  const key = generateApiKey();
  const record = await ctx.db.apiKey.create({
    data: {
      id: newId("key"),
      tenantId: ctx.tenant.id,
      name,
      hash: hashApiKey(key),
      hint: apiKeyHint(key),
      createdById: ctx.user?.id ?? null,
      expiresAt,
    },
    select: PUBLIC_FIELDS,
  });
  return { key, record };
}

export async function listApiKeys(ctx: TenantCtx) {
  return ctx.db.apiKey.findMany({
    where: { tenantId: ctx.tenant.id },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: PUBLIC_FIELDS,
  });
}

export async function revokeApiKey(ctx: TenantCtx, keyId: string, now = new Date()) {
  requireRole(ctx, "admin", "revoke API keys");
  const key = await ctx.db.apiKey.findFirst({ where: { id: keyId, tenantId: ctx.tenant.id } });
  if (!key) throw new AppError("not_found", "API key not found.");
  if (!key.revokedAt) {
    await ctx.db.apiKey.updateMany({
      where: { id: key.id, tenantId: ctx.tenant.id, revokedAt: null },
      data: { revokedAt: now },
    });
  }
  await invalidateApiKey(key.hash);
  return { id: key.id, revokedAt: key.revokedAt ?? now };
}
