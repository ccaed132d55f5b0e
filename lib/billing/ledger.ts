// The append-only credit ledger. Every movement of a workspace's money is one LedgerEntry (credits positive,
// debits negative, integer micro-dollars), and Tenant.balanceMicros is moved in the same SQL statement as the
// entry, so `balance = sum(entries)` holds at every commit (checkLedger verifies it, at any time).
//
// Two writers post entries:
//  - postEntry (here): top-ups, refunds, adjustments and grants, one at a time, idempotent by `reference`;
//  - the usage writer (lib/usage/recorder.ts): usage charges, one entry per workspace per written batch, in the
//    statement that inserts the usage records (so charges and records can never disagree).
import type { Db } from "@/lib/db/client";
import type { LedgerKind } from "@/lib/db/generated/enums";
import { newId } from "@/lib/ids";

export type { LedgerKind };

export interface NewEntry {
  tenantId: string;
  kind: LedgerKind;
  /** Signed: credits > 0, debits < 0. */
  amountMicros: bigint;
  /**
   * Idempotency key, unique across the ledger (a Stripe payment intent or refund id, a CLI grant's id): posting
   * the same reference again changes nothing and returns `posted: false`.
   */
  reference?: string | null;
  description: string;
  createdById?: string | null;
  metadata?: Record<string, unknown> | null;
  /**
   * For debits the workspace can refuse (an operator's negative adjustment): post only if the workspace's
   * unreserved balance covers it, checked atomically. A refused entry returns `posted: false`. Money that has
   * already left (a Stripe refund) is posted without it.
   */
  onlyIfAvailable?: boolean;
}

export interface PostResult {
  /** False when an entry with this reference already existed (a replay): nothing changed. */
  posted: boolean;
  entryId: string | null;
  /** The workspace's balance after the entry (null on a replay). */
  balanceMicros: bigint | null;
}

/**
 * Appends one entry and moves the balance with it, atomically (one statement: the entry insert and the balance
 * update commit together or not at all). Safe to retry: a reference already posted is a no-op.
 */
export async function postEntry(db: Pick<Db, "$queryRawUnsafe">, e: NewEntry): Promise<PostResult> {
  if (e.amountMicros === 0n) throw new Error("A ledger entry moves money: amountMicros must not be 0");
  const id = newId("led");
  const rows = await db.$queryRawUnsafe<{ balanceMicros: bigint }[]>(
    `WITH e AS (
       INSERT INTO "LedgerEntry" ("id", "tenantId", "kind", "amountMicros", "reference", "description", "createdById", "metadata")
       SELECT $1, t."id", $3::"LedgerKind", $4::bigint, $5, $6, $7, $8::jsonb FROM "Tenant" t
        WHERE t."id" = $2 AND ($9::boolean IS NOT TRUE OR t."balanceMicros" - t."reservedMicros" + $4::bigint >= 0)
          FOR UPDATE
       ON CONFLICT ("reference") DO NOTHING
       RETURNING "tenantId", "amountMicros"
     )
     UPDATE "Tenant" t SET "balanceMicros" = t."balanceMicros" + e."amountMicros", "updatedAt" = now()
     FROM e WHERE t."id" = e."tenantId"
     RETURNING t."balanceMicros"`,
    id,
    e.tenantId,
    e.kind,
    e.amountMicros.toString(),
    e.reference ?? null,
    e.description.slice(0, 500),
    e.createdById ?? null,
    e.metadata ? JSON.stringify(e.metadata) : null,
    e.onlyIfAvailable === true,
  );
  if (rows.length === 0) {
    if (e.reference || e.onlyIfAvailable) return { posted: false, entryId: null, balanceMicros: null };
    throw new Error(`No workspace ${e.tenantId}`);
  }
  return { posted: true, entryId: id, balanceMicros: BigInt(rows[0]!.balanceMicros) };
}

export interface LedgerMismatch {
  tenantId: string;
  balanceMicros: bigint;
  ledgerSumMicros: bigint;
  reservedMicros: bigint;
  leaseSumMicros: bigint;
  usageChargedMicros: bigint;
  usageRecordsMicros: bigint;
}

/**
 * The ledger check, runnable at any time (`npm run cli -- ledger check`): for every workspace (or one),
 *  - balance = the sum of its ledger entries;
 *  - reserved = the sum of its credit leases;
 *  - its usage entries = minus the charged cost of its usage records.
 * Returns the workspaces where any of these fails (empty: all good).
 */
export async function checkLedger(
  db: Pick<Db, "$queryRawUnsafe">,
  tenantId?: string,
): Promise<LedgerMismatch[]> {
  const rows = await db.$queryRawUnsafe<Record<string, string | bigint>[]>(
    `SELECT t."id" AS "tenantId", t."balanceMicros", t."reservedMicros",
            COALESCE(l.sum, 0)::bigint AS "ledgerSumMicros",
            COALESCE(l.usage, 0)::bigint AS "usageChargedMicros",
            COALESCE(c.sum, 0)::bigint AS "leaseSumMicros",
            COALESCE(u.sum, 0)::bigint AS "usageRecordsMicros"
       FROM "Tenant" t
       LEFT JOIN (SELECT "tenantId", SUM("amountMicros") AS sum,
                         SUM(CASE WHEN "kind" = 'usage' THEN -"amountMicros" ELSE 0 END) AS usage
                    FROM "LedgerEntry" GROUP BY "tenantId") l ON l."tenantId" = t."id"
       LEFT JOIN (SELECT "tenantId", SUM("amountMicros") AS sum FROM "CreditLease" GROUP BY "tenantId") c
              ON c."tenantId" = t."id"
       LEFT JOIN (SELECT "tenantId", SUM("costMicros") AS sum FROM "UsageRecord" GROUP BY "tenantId") u
              ON u."tenantId" = t."id"
      WHERE ($1::text IS NULL OR t."id" = $1)`,
    tenantId ?? null,
  );
  const big = (v: string | bigint | undefined) => BigInt(v ?? 0);
  return rows
    .map((r) => ({
      tenantId: String(r.tenantId),
      balanceMicros: big(r.balanceMicros),
      ledgerSumMicros: big(r.ledgerSumMicros),
      reservedMicros: big(r.reservedMicros),
      leaseSumMicros: big(r.leaseSumMicros),
      usageChargedMicros: big(r.usageChargedMicros),
      usageRecordsMicros: big(r.usageRecordsMicros),
    }))
    .filter(
      (m) =>
        m.balanceMicros !== m.ledgerSumMicros ||
        m.reservedMicros !== m.leaseSumMicros ||
        m.usageChargedMicros !== m.usageRecordsMicros,
    );
}

/** The workspace's balance and what is reserved by relay instances right now (scoped by tenant). */
export async function getBalance(
  db: Pick<Db, "tenant">,
  tenantId: string,
): Promise<{ balanceMicros: bigint; reservedMicros: bigint }> {
  const t = await db.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { balanceMicros: true, reservedMicros: true },
  });
  return t;
}

/** A page of a workspace's ledger, newest first (scoped by tenant). */
export async function listEntries(
  db: Pick<Db, "ledgerEntry">,
  tenantId: string,
  opts: { take?: number; before?: Date; kinds?: LedgerKind[] } = {},
) {
  return db.ledgerEntry.findMany({
    where: {
      tenantId,
      ...(opts.before ? { createdAt: { lt: opts.before } } : {}),
      ...(opts.kinds ? { kind: { in: opts.kinds } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(opts.take ?? 50, 500),
  });
}

/** USD for display ("12.345678" style input) <-> micro-dollars, exactly. Floats only when formatting. */
export function usdToMicrosExact(usd: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,6}))?$/.exec(usd.trim());
  if (!m) throw new Error(`"${usd}" is not a USD amount with at most 6 decimals`);
  const v = BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? "").padEnd(6, "0"));
  return m[1] ? -v : v;
}

export function formatUsd(micros: bigint, decimals = 2): string {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  const whole = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, "0");
  const shown = decimals > 0 ? `.${frac.slice(0, decimals)}` : "";
  return `${neg ? "-" : ""}$${whole.toLocaleString("en-US")}${shown}`;
}
