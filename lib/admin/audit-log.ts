// The audit log in the operator console: every admin and billing action, newest first, filtered by workspace and
// action, paged by an opaque cursor (the last row's time and id, so rows written in the same millisecond are
// neither skipped nor repeated).
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { defineQuery } from "./operator";

export const AuditFilter = z.object({
  /** A workspace id or slug. */
  workspace: z.string().trim().max(100).optional(),
  /** An exact action ("credit.grant") or a prefix ending in a dot ("provider."). */
  action: z.string().trim().max(100).optional(),
  cursor: z.string().max(200).optional(),
  take: z.number().int().min(1).max(200).default(50),
});
export type AuditFilter = z.input<typeof AuditFilter>;

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || Number.isNaN(createdAt.getTime()))
    throw new AppError("invalid_request", "Bad cursor.", { param: "cursor" });
  return { createdAt, id };
}

export const listAuditPage = defineQuery("audit.list", async (op, input: AuditFilter = {}) => {
  const f = AuditFilter.parse(input);
  let tenantId: string | undefined;
  if (f.workspace) {
    const t = await op.db.tenant.findFirst({
      where: { OR: [{ id: f.workspace }, { slug: f.workspace }] },
      select: { id: true },
    });
    if (!t) return { rows: [], nextCursor: null };
    tenantId = t.id;
  }
  const after = f.cursor ? decodeCursor(f.cursor) : null;
  const rows = await op.db.auditLog.findMany({
    where: {
      ...(tenantId ? { tenantId } : {}),
      ...(f.action ? { action: f.action.endsWith(".") ? { startsWith: f.action } : f.action } : {}),
      ...(after
        ? {
            OR: [
              { createdAt: { lt: after.createdAt } },
              { createdAt: after.createdAt, id: { lt: after.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: f.take + 1,
  });
  const page = rows.slice(0, f.take);
  const [users, tenants] = await Promise.all([
    op.db.user.findMany({
      where: { id: { in: [...new Set(page.map((r) => r.actorUserId).filter((v): v is string => !!v))] } },
      select: { id: true, email: true },
    }),
    op.db.tenant.findMany({
      where: { id: { in: [...new Set(page.map((r) => r.tenantId).filter((v): v is string => !!v))] } },
      select: { id: true, slug: true },
    }),
  ]);
  const email = new Map(users.map((u) => [u.id, u.email]));
  const slug = new Map(tenants.map((t) => [t.id, t.slug]));
  return {
    rows: page.map((r) => ({
      ...r,
      actor: r.actorUserId ? (email.get(r.actorUserId) ?? r.actorUserId) : null,
      workspace: r.tenantId ? (slug.get(r.tenantId) ?? r.tenantId) : null,
    })),
    nextCursor: rows.length > f.take ? encodeCursor(page[page.length - 1]!) : null,
  };
});

/** The distinct actions recorded so far (the filter's suggestions). */
export const listAuditActions = defineQuery("audit.actions", async (op) => {
  const rows = await op.db.auditLog.groupBy({ by: ["action"], orderBy: { action: "asc" } });
  return rows.map((r) => r.action);
});
