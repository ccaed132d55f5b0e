// The operator's billing settings: one JSON document (PlatformSetting "billing"), validated by this schema,
// cached in each process and re-read every few seconds, so a change applies on every instance without a restart.
import { z } from "zod";
import type { Db } from "@/lib/db/client";

const Micros = z
  .union([z.bigint(), z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform(BigInt);

export const BillingSettings = z.object({
  /** Markup over provider cost, basis points (1000 = 10%). */
  defaultMarkupBps: z.number().int().min(0).max(100_000).default(1000),
  /** Promotional credit granted to every new workspace (0: none; the demo catalog starts with $1.00). */
  signupCreditMicros: Micros.default(0n),
  /** Output tokens assumed for a credit hold when the client sent no max_tokens. */
  defaultHoldOutputTokens: z.number().int().min(1).max(1_000_000).default(4096),
  topUp: z
    .object({
      /** Preset amounts offered on the billing page, whole USD. */
      presetsUsd: z.array(z.number().int().positive()).max(8).default([10, 25, 50, 100]),
      minUsd: z.number().int().positive().default(5),
      maxUsd: z.number().int().positive().default(5000),
    })
    .default({ presetsUsd: [10, 25, 50, 100], minUsd: 5, maxUsd: 5000 }),
});
export type BillingSettings = z.output<typeof BillingSettings>;

export const DEFAULT_BILLING_SETTINGS: BillingSettings = BillingSettings.parse({});

const KEY = "billing";

/** The settings in force (defaults for anything unset; a corrupt document falls back to the defaults). */
export async function loadBillingSettings(db: Pick<Db, "platformSetting">): Promise<BillingSettings> {
  const row = await db.platformSetting.findUnique({ where: { key: KEY } });
  const parsed = BillingSettings.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : DEFAULT_BILLING_SETTINGS;
}

/** Merges `patch` into the stored settings after validating the result; returns what is now in force. */
export async function saveBillingSettings(
  db: Pick<Db, "platformSetting">,
  patch: Partial<z.input<typeof BillingSettings>>,
  actorUserId: string | null,
): Promise<BillingSettings> {
  const current = await loadBillingSettings(db);
  const next = BillingSettings.parse({ ...current, ...patch });
  const value = JSON.parse(
    JSON.stringify(next, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
  );
  await db.platformSetting.upsert({
    where: { key: KEY },
    create: { key: KEY, value, updatedById: actorUserId },
    update: { value, updatedById: actorUserId },
  });
  return next;
}

/**
 * The zero-setup demo (no providers configured, the built-in fake upstream) gives new workspaces $1.00 of demo
 * credit so a new user can try the relay at once. Written only when the operator has no billing settings yet, so
 * it never overrides a choice; visible and editable in the operator console like any other setting.
 */
export async function seedDemoBillingSettings(db: Pick<Db, "platformSetting">): Promise<void> {
  if (await db.platformSetting.findUnique({ where: { key: KEY } })) return;
  await saveBillingSettings(db, { signupCreditMicros: 1_000_000n }, null);
}
