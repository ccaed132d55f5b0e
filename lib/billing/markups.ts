// The operator's markups: the platform default (billing settings), a workspace's own (Tenant.markupBps) and
// per-model overrides (ModelMarkup, tenantId null = the platform's for that model). Precedence is in markup.ts.
// Every change is audited; only an OperatorCtx (platform admin or CLI) can make one.
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { actorId, type OperatorCtx } from "@/lib/tenancy/operator-ctx";
import { MAX_MARKUP_BPS } from "./markup";
import { loadBillingSettings, saveBillingSettings } from "./settings";

export const MarkupBps = z
  .number({ error: "Markup must be a whole number of basis points." })
  .int("Markup must be a whole number of basis points.")
  .min(0, "Markup cannot be negative.")
  .max(MAX_MARKUP_BPS, `Markup must be at most ${MAX_MARKUP_BPS} basis points (1000%).`);

function parseBps(bps: unknown, param = "bps"): number {
  const r = MarkupBps.safeParse(bps);
  if (!r.success) throw new AppError("invalid_request", `${param}: ${r.error.issues[0]!.message}`, { param });
  return r.data;
}

export async function setPlatformMarkup(db: Db, op: OperatorCtx, bps: number): Promise<number> {
  const value = parseBps(bps);
  const before = (await loadBillingSettings(db)).defaultMarkupBps;
  const saved = await saveBillingSettings(db, { defaultMarkupBps: value }, actorId(op));
  await recordAudit(db, {
    tenantId: null,
    actorUserId: actorId(op),
    action: "markup.platform.set",
    target: "platform",
    details: { before, after: saved.defaultMarkupBps },
  });
  return saved.defaultMarkupBps;
}

/** Sets (or with null clears, back to the platform default) a workspace's own markup. */
export async function setWorkspaceMarkup(
  db: Db,
  op: OperatorCtx,
  tenantId: string,
  bps: number | null,
): Promise<number | null> {
  const value = bps === null ? null : parseBps(bps);
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: { id: true, markupBps: true },
  });
  if (!tenant) throw new AppError("not_found", `Workspace ${tenantId} not found.`, { param: "workspace" });
  await db.tenant.update({ where: { id: tenantId }, data: { markupBps: value } });
  await recordAudit(db, {
    tenantId,
    actorUserId: actorId(op),
    action: "markup.workspace.set",
    target: tenantId,
    details: { before: tenant.markupBps, after: value },
  });
  return value;
}

/**
 * Sets (or with null removes) a per-model markup, for one workspace or (tenantId null) the platform. The unique
 * (tenantId, modelId) index does not stop duplicate NULL-tenant rows in PostgreSQL (NULLs are distinct), so the
 * write is find-then-update/create in a transaction holding an advisory lock on the pair, and any duplicates
 * left by an older writer are folded into one.
 */
export async function setModelMarkup(
  db: Db,
  op: OperatorCtx,
  input: { tenantId: string | null; modelId: string; bps: number | null },
): Promise<number | null> {
  const value = input.bps === null ? null : parseBps(input.bps);
  const { tenantId, modelId } = input;
  const model = await db.model.findUnique({ where: { id: modelId }, select: { id: true, name: true } });
  if (!model) throw new AppError("not_found", `Model ${modelId} not found.`, { param: "model" });
  if (tenantId && !(await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) {
    throw new AppError("not_found", `Workspace ${tenantId} not found.`, { param: "workspace" });
  }
  const before = await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(
      `SELECT pg_advisory_xact_lock(hashtext($1))`,
      `model-markup:${tenantId ?? "*"}:${modelId}`,
    );
    const rows = await tx.modelMarkup.findMany({
      where: { tenantId, modelId },
      orderBy: { createdAt: "asc" },
    });
    const [keep, ...duplicates] = rows;
    if (duplicates.length)
      await tx.modelMarkup.deleteMany({ where: { id: { in: duplicates.map((r) => r.id) } } });
    if (value === null) {
      if (keep) await tx.modelMarkup.delete({ where: { id: keep.id } });
    } else if (keep) {
      await tx.modelMarkup.update({ where: { id: keep.id }, data: { markupBps: value } });
    } else {
      await tx.modelMarkup.create({ data: { id: newId("mku"), tenantId, modelId, markupBps: value } });
    }
    return keep?.markupBps ?? null;
  });
  await recordAudit(db, {
    tenantId,
    actorUserId: actorId(op),
    action: "markup.model.set",
    target: modelId,
    details: { model: model.name, scope: tenantId ? "workspace" : "platform", before, after: value },
  });
  return value;
}

export interface MarkupOverview {
  platformDefaultBps: number;
  /** Workspaces with their own markup. */
  workspaces: { tenantId: string; slug: string; name: string; markupBps: number }[];
  /** Per-model overrides, platform ones (tenant null) first. */
  models: {
    id: string;
    tenant: { id: string; slug: string; name: string } | null;
    model: { id: string; name: string };
    markupBps: number;
    updatedAt: Date;
  }[];
}

export async function listMarkups(db: Db): Promise<MarkupOverview> {
  const [settings, tenants, overrides] = await Promise.all([
    loadBillingSettings(db),
    db.tenant.findMany({
      where: { markupBps: { not: null } },
      select: { id: true, slug: true, name: true, markupBps: true },
      orderBy: { slug: "asc" },
    }),
    db.modelMarkup.findMany({ include: { tenant: { select: { id: true, slug: true, name: true } } } }),
  ]);
  const modelNames = new Map(
    (
      await db.model.findMany({
        where: { id: { in: overrides.map((o) => o.modelId) } },
        select: { id: true, name: true },
      })
    ).map((m) => [m.id, m.name]),
  );
  const models = overrides
    .map((o) => ({
      id: o.id,
      tenant: o.tenant,
      model: { id: o.modelId, name: modelNames.get(o.modelId) ?? o.modelId },
      markupBps: o.markupBps,
      updatedAt: o.updatedAt,
    }))
    .sort(
      (a, b) =>
        (a.tenant?.slug ?? "").localeCompare(b.tenant?.slug ?? "") ||
        a.model.name.localeCompare(b.model.name),
    );
  return {
    platformDefaultBps: settings.defaultMarkupBps,
    workspaces: tenants.map((t) => ({ tenantId: t.id, slug: t.slug, name: t.name, markupBps: t.markupBps! })),
    models,
  };
}

/** A workspace by slug or id (the CLI and the console name workspaces by slug). */
export async function findWorkspaceId(db: Pick<Db, "tenant">, workspace: string): Promise<string> {
  const t = await db.tenant.findFirst({
    where: { OR: [{ slug: workspace }, { id: workspace }] },
    select: { id: true },
  });
  if (!t) throw new AppError("not_found", `Workspace ${workspace} not found.`, { param: "workspace" });
  return t.id;
}

/** A model by public name, alias or id. */
export async function findModelId(db: Pick<Db, "model">, model: string): Promise<string> {
  const m = await db.model.findFirst({
    where: { OR: [{ name: model }, { id: model }, { aliases: { has: model } }] },
    select: { id: true },
  });
  if (!m) throw new AppError("not_found", `Model ${model} not found.`, { param: "model" });
  return m.id;
}
