// The audit log: every admin and billing action, who did it and to which workspace. Written in the same code path
// as the action (after it succeeded); read by the operator console and the workspace's billing history.
import type { Db } from "@/lib/db/client";
import { newId } from "@/lib/ids";

export interface AuditEvent {
  /** The workspace acted on; null for platform-wide actions (providers, prices, platform policy). */
  tenantId: string | null;
  /** The user who acted; null for the CLI (operator at the shell) and automatic actions (webhooks). */
  actorUserId: string | null;
  /** Dotted verb, e.g. "credit.grant", "price.set", "provider.rotate_key", "topup.checkout", "policy.save". */
  action: string;
  /** What was acted on, e.g. a deployment or key id. */
  target?: string | null;
  /** Anything useful for a reader; never a secret. */
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Pick<Db, "auditLog">, e: AuditEvent): Promise<void> {
  await db.auditLog.create({
    data: {
      id: newId("aud"),
      tenantId: e.tenantId,
      actorUserId: e.actorUserId,
      action: e.action,
      target: e.target ?? null,
      details: e.details
        ? JSON.parse(JSON.stringify(e.details, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)))
        : undefined,
    },
  });
}

export async function listAudit(
  db: Pick<Db, "auditLog">,
  opts: { tenantId?: string; take?: number; before?: Date } = {},
) {
  return db.auditLog.findMany({
    where: {
      ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
      ...(opts.before ? { createdAt: { lt: opts.before } } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: Math.min(opts.take ?? 100, 500),
  });
}
