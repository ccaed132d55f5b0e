// Workspace settings beyond the name: the time zone reports are bucketed in, the region constraint on routing, and
// data retention (stored request bodies, zero data retention). Invariants:
//  - every verb takes ctx first and writes only `ctx.tenant.id`; admins change settings, anyone may read them;
//  - zero data retention forces storeBodies off and narrows routing to providers that retain nothing;
//  - region and retention narrow routing on every instance within seconds (they travel with the policy cache,
//    lib/routing/policies.ts, and a change is broadcast like a policy save);
//  - every change is audited with the fields before and after.
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { announcePolicyChange } from "@/lib/routing/policies";
import type { Store } from "@/lib/store";
import { requireRole, type TenantCtx } from "./context";

export const BODY_RETENTION_DAYS = { min: 1, max: 90 } as const;

let zones: Set<string> | undefined;
/** IANA time zones this runtime knows (Intl.supportedValuesOf), plus "UTC", which some runtimes list only as an alias. */
export function timeZoneNames(): Set<string> {
  zones ??= new Set(["UTC", ...Intl.supportedValuesOf("timeZone")]);
  return zones;
}

export const WorkspaceSettingsInput = z.strictObject(
  {
    timeZone: z
      .string({ error: "must be an IANA time zone name" })
      .refine((tz) => timeZoneNames().has(tz), 'must be an IANA time zone such as "Europe/Paris" or "UTC"')
      .optional(),
    /** null removes the constraint. */
    region: z
      .string({ error: "must be a region such as eu or us, or null for any region" })
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be a region such as eu, us or eu-west")
      .max(40, "must be at most 40 characters")
      .nullable()
      .optional(),
    storeBodies: z.boolean({ error: "must be true or false" }).optional(),
    bodyRetentionDays: z
      .number({ error: "must be a whole number of days" })
      .int("must be a whole number of days")
      .min(BODY_RETENTION_DAYS.min, `must be at least ${BODY_RETENTION_DAYS.min} day`)
      .max(BODY_RETENTION_DAYS.max, `must be at most ${BODY_RETENTION_DAYS.max} days`)
      .optional(),
    zeroDataRetention: z.boolean({ error: "must be true or false" }).optional(),
  },
  { error: "must be an object { timeZone?, region?, storeBodies?, bodyRetentionDays?, zeroDataRetention? }" },
);
export type WorkspaceSettingsInput = z.input<typeof WorkspaceSettingsInput>;

const FIELDS = {
  timeZone: true,
  region: true,
  storeBodies: true,
  bodyRetentionDays: true,
  zeroDataRetention: true,
} as const;

export type WorkspaceSettings = {
  timeZone: string;
  region: string | null;
  storeBodies: boolean;
  bodyRetentionDays: number;
  zeroDataRetention: boolean;
};

async function readSettings(ctx: TenantCtx): Promise<WorkspaceSettings> {
  const row = await ctx.db.tenant.findUnique({ where: { id: ctx.tenant.id }, select: FIELDS });
  if (!row) throw new AppError("not_found", "Workspace not found.");
  return row;
}

/** The workspace's settings. Any member may read them. */
export async function getWorkspaceSettings(ctx: TenantCtx): Promise<WorkspaceSettings> {
  return readSettings(ctx);
}

/**
 * Changes the given settings (admins and owners); a field left out is unchanged. Turning zero data retention on
 * turns storing bodies off; asking to store bodies while it is on is refused. Returns the settings now in force.
 */
export async function updateWorkspaceSettings(
  ctx: TenantCtx,
  input: WorkspaceSettingsInput,
  store?: Store,
): Promise<WorkspaceSettings> {
  requireRole(ctx, "admin", "change workspace settings");
  const patch = WorkspaceSettingsInput.parse(input);
  const before = await readSettings(ctx);
  const zdr = patch.zeroDataRetention ?? before.zeroDataRetention;
  if (zdr && patch.storeBodies === true) {
    throw new AppError(
      "invalid_request",
      "storeBodies: Request bodies cannot be stored while zero data retention is on.",
      { param: "storeBodies" },
    );
  }
  const data = { ...patch, ...(zdr ? { storeBodies: false } : {}) };
  const changed = (Object.keys(data) as Array<keyof WorkspaceSettings>).filter((k) => data[k] !== before[k]);
  if (changed.length === 0) return before;

  await ctx.db.tenant.update({ where: { id: ctx.tenant.id }, data });
  const after = { ...before, ...data };
  await recordAudit(ctx.db, {
    tenantId: ctx.tenant.id,
    actorUserId: ctx.user?.id ?? null,
    action: "workspace.settings",
    target: ctx.tenant.id,
    details: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])),
  });
  if (changed.includes("region") || changed.includes("zeroDataRetention")) {
    await announcePolicyChange(store, ctx.tenant.id);
  }
  return after;
}
