// Workspaces seen from the operator console: every workspace with its money and activity, one workspace's
// ledger, and credit grants/adjustments. Money moves only through postEntry (lib/billing/ledger.ts), so the
// balance stays the sum of the ledger; each grant carries a unique reference, so a double submit posts once.
import { z } from "zod";
import { formatUsd, listEntries, postEntry, usdToMicrosExact } from "@/lib/billing/ledger";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { defineAction, defineQuery, type OperatorCtx } from "./operator";

/** The first instant of the month `now` is in, UTC. */
export function monthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export interface WorkspaceOverview {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
  members: number;
  balanceMicros: bigint;
  reservedMicros: bigint;
  spendThisMonthMicros: bigint;
  /** The latest hour with relay traffic, or the latest API key use (null: never). */
  lastActivityAt: Date | null;
}

/** The columns the list and one workspace's page both show. */
const SUMMARY = {
  id: true,
  slug: true,
  name: true,
  createdAt: true,
  balanceMicros: true,
  reservedMicros: true,
} as const;

const latest = (a: Date | null | undefined, b: Date | null | undefined) =>
  a && b ? (a > b ? a : b) : (a ?? b ?? null);

export const listWorkspaceOverview = defineQuery(
  "workspaces.list",
  async (
    op,
    opts: { q?: string; take?: number } = {},
    now: Date = new Date(),
  ): Promise<WorkspaceOverview[]> => {
    const q = opts.q?.trim();
    const tenants = await op.db.tenant.findMany({
      where: q
        ? {
            OR: [
              { slug: { contains: q, mode: "insensitive" } },
              { name: { contains: q, mode: "insensitive" } },
            ],
          }
        : undefined,
      orderBy: { createdAt: "desc" },
      take: Math.min(opts.take ?? 100, 500),
      select: { ...SUMMARY, _count: { select: { memberships: true } } },
    });
    const ids = tenants.map((t) => t.id);
    const [spend, traffic, keys] = await Promise.all([
      op.db.usageRollup.groupBy({
        by: ["tenantId"],
        where: { tenantId: { in: ids }, hour: { gte: monthStartUtc(now) } },
        _sum: { costMicros: true },
      }),
      op.db.usageRollup.groupBy({ by: ["tenantId"], where: { tenantId: { in: ids } }, _max: { hour: true } }),
      op.db.apiKey.groupBy({
        by: ["tenantId"],
        where: { tenantId: { in: ids } },
        _max: { lastUsedAt: true },
      }),
    ]);
    const spendOf = new Map(spend.map((s) => [s.tenantId, s._sum.costMicros ?? 0n]));
    const hourOf = new Map(traffic.map((s) => [s.tenantId, s._max.hour]));
    const keyOf = new Map(keys.map((s) => [s.tenantId, s._max.lastUsedAt]));
    return tenants.map((t) => ({
      id: t.id,
      slug: t.slug,
      name: t.name,
      createdAt: t.createdAt,
      members: t._count.memberships,
      balanceMicros: t.balanceMicros,
      reservedMicros: t.reservedMicros,
      spendThisMonthMicros: spendOf.get(t.id) ?? 0n,
      lastActivityAt: latest(hourOf.get(t.id), keyOf.get(t.id)),
    }));
  },
);

export const getWorkspaceDetail = defineQuery(
  "workspaces.get",
  async (op, idOrSlug: string, now: Date = new Date()) => {
    const tenant = await op.db.tenant.findFirst({
      where: { OR: [{ id: idOrSlug }, { slug: idOrSlug }] },
      select: {
        ...SUMMARY,
        markupBps: true,
        monthlyBudgetMicros: true,
        memberships: {
          orderBy: { createdAt: "asc" },
          select: { role: true, user: { select: { id: true, email: true, name: true } } },
        },
      },
    });
    if (!tenant) throw new AppError("not_found", `Workspace ${idOrSlug} not found.`);
    const spend = await op.db.usageRollup.aggregate({
      where: { tenantId: tenant.id, hour: { gte: monthStartUtc(now) } },
      _sum: { costMicros: true },
    });
    const entries = await listEntries(op.db, tenant.id, { take: 50 });
    return { ...tenant, spendThisMonthMicros: spend._sum.costMicros ?? 0n, entries };
  },
);

export const CREDIT_KINDS = ["adjustment", "grant"] as const;

const USD = /^-?\d{1,9}(\.\d{1,6})?$/;

export const CreditInput = z
  .object({
    /** USD, signed, at most 6 decimals ("25", "-3.50"). */
    amountUsd: z.string().trim().regex(USD, "Enter a USD amount such as 25 or -3.50."),
    kind: z.enum(CREDIT_KINDS).default("adjustment"),
    note: z.string().trim().min(3, "Say why (at least 3 characters).").max(300),
    /** Idempotency key from the form (one per form load): a double submit posts once. */
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (!USD.test(v.amountUsd)) return; // reported by the field's own check
    const micros = usdToMicrosExact(v.amountUsd);
    if (micros === 0n)
      ctx.addIssue({ code: "custom", path: ["amountUsd"], message: "The amount must not be 0." });
    if (micros < 0n && v.kind === "grant")
      ctx.addIssue({
        code: "custom",
        path: ["amountUsd"],
        message: "A promotional grant adds credit: use an adjustment to take credit away.",
      });
  });
export type CreditInput = z.input<typeof CreditInput>;

/** Posts one ledger entry (kind adjustment or grant) to a workspace, as the operator. */
export const grantCredit = defineAction(
  "credit.post",
  async (op: OperatorCtx, tenantId: string, input: unknown) => {
    const c = CreditInput.parse(input);
    const tenant = await op.db.tenant.findUnique({
      where: { id: tenantId },
      select: { id: true, slug: true },
    });
    if (!tenant) throw new AppError("not_found", `Workspace ${tenantId} not found.`);
    const amountMicros = usdToMicrosExact(c.amountUsd);
    const reference = `console:${c.requestId ?? newId("led")}`;
    const posted = await postEntry(op.db, {
      tenantId,
      kind: c.kind,
      amountMicros,
      reference,
      description: c.note,
      createdById: op.user.id,
      metadata: { by: op.user.email, via: "console" },
    });
    return {
      result: { ...posted, reference, amountMicros },
      audit: posted.posted
        ? {
            action: c.kind === "grant" ? "credit.grant" : "credit.adjust",
            tenantId,
            target: posted.entryId,
            details: { amountMicros, amount: formatUsd(amountMicros, 6), note: c.note, reference },
          }
        : null,
    };
  },
);
