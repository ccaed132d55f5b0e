// Credit holds on the relay's hot path, served from per-instance leases of each workspace's balance.
//
// The database keeps, per workspace, balanceMicros (= the sum of its ledger entries) and reservedMicros (= the sum
// of its CreditLease rows, one per relay instance). Money a workspace can still commit is balance − reserved.
//
//  - A lease is taken atomically in one statement: `reserved += grant` only where `balance − reserved >= need`,
//    and the instance's CreditLease row grows by the same grant. Concurrent instances cannot lease the same money.
//  - Holds are taken from the local lease in memory: no database round trip per request. A hold is the worst case
//    of the request (lib/billing/cost.ts worstCaseCharge); when a hold does not fit, the instance leases more
//    (one acquisition at a time per workspace; waiters re-check after it), and refuses with 402
//    insufficient_quota when the database has no unreserved credit left for it.
//  - When a request ends (however it ends) its hold settles: the hold is released and the real charge becomes
//    "pending" until the usage writer has written it. The usage writer (lib/usage/recorder.ts) charges the ledger
//    and consumes this instance's lease in the same statement that inserts the usage records, then reports the
//    totals back (applyWritten), so balance, reserved, lease and local view move together.
//  - Leases are renewed every few seconds; an idle remainder is returned; close() returns everything. A lease
//    whose instance died stops being renewed and is reclaimed by any instance after it expires.
//
// Local numbers only ever change by deltas (grant added, charge written subtracted, remainder returned), so the
// order in which concurrent statements complete does not matter.
//
// Invariant: the sum of holds and pending charges admitted by an instance never exceeds the credit leased to it,
// and leases never exceed the balance, so concurrency cannot overdraw a balance. (A request whose real usage
// exceeds its hold, e.g. an upstream that ignores max_tokens, is still charged in full: that excess comes out of
// the lease's slack, or out of the balance if there is none.)
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { log } from "@/lib/observability/log";
import { formatUsd } from "./ledger";

export interface CreditBookOptions {
  getDb: () => Db | Promise<Db>;
  /** This process's identity in CreditLease rows; random per start by default. */
  instanceId?: string;
  /** How long a lease lives without renewal. */
  leaseTtlMs?: number;
  /** Renew, return idle remainders and reclaim expired leases this often. */
  maintainEveryMs?: number;
  /** A workspace with nothing in flight for this long gives its remainder back. */
  idleReturnMs?: number;
  /** The smallest lease taken at once (a request's hold is always covered regardless). */
  minLeaseMicros?: bigint;
  /** The largest lease taken at once. */
  maxLeaseMicros?: bigint;
  now?: () => number;
}

interface TenantCredit {
  /** This instance's lease, as the database has it (CreditLease.amountMicros). */
  granted: bigint;
  /** Outstanding holds of requests in flight. */
  held: bigint;
  /** Settled charges not yet written by the usage writer. */
  pending: bigint;
  /** The lease may be used until then (last successful renewal + TTL − margin). */
  validUntil: number;
  lastActive: number;
  /** The next lease size: grows while a workspace keeps needing more soon after its last lease. */
  chunk: bigint;
  lastAcquiredAt: number;
  acquiring: Promise<void> | null;
  /** The database refused a lease for `refusedNeed` at `refusedAt`: smaller needs may still try. */
  refusedAt: number;
  refusedNeed: bigint;
}

const MARGIN_MS = 5_000;
const REFUSAL_MEMORY_MS = 1_000;
/** Lease acquisitions one hold may wait through before giving up with a 503 (a burst needs a handful). */
const MAX_LEASE_ROUNDS = 20;

export class CreditHold {
  private settled = false;
  constructor(
    private readonly book: CreditBook,
    readonly tenantId: string,
    readonly amountMicros: bigint,
  ) {}

  /** Releases the hold and records the real charge as pending (idempotent: only the first call counts). */
  settle(chargeMicros: bigint): void {
    if (this.settled) return;
    this.settled = true;
    this.book.release(this.tenantId, this.amountMicros, chargeMicros);
  }
}

export class CreditBook {
  readonly instanceId: string;
  private readonly tenants = new Map<string, TenantCredit>();
  private readonly ttlMs: number;
  private readonly idleReturnMs: number;
  private readonly minLease: bigint;
  private readonly maxLease: bigint;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private maintaining: Promise<void> | null = null;

  constructor(private readonly opts: CreditBookOptions) {
    this.instanceId = opts.instanceId ?? newId("ins");
    this.ttlMs = opts.leaseTtlMs ?? 60_000;
    this.idleReturnMs = opts.idleReturnMs ?? 20_000;
    this.minLease = opts.minLeaseMicros ?? 50_000n;
    this.maxLease = opts.maxLeaseMicros ?? 1_000_000_000n;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.maintain(), this.opts.maintainEveryMs ?? 10_000);
    this.timer.unref();
  }

  /**
   * Holds `amount` of the workspace's credit for a request about to call a provider. Resolves at once when the
   * local lease covers it; otherwise leases more first. Throws 402 insufficient_quota when the workspace has no
   * unreserved credit for it, 503 when the database cannot be reached to lease more.
   */
  async hold(tenantId: string, amount: bigint): Promise<CreditHold> {
    const s = this.state(tenantId);
    s.lastActive = this.now();
    if (amount <= 0n) return new CreditHold(this, tenantId, 0n);
    // Lease until the hold fits. A burst of holds shares each acquisition, and the holds that resume first may
    // use up its grant; the rest lease again (the chunk doubles each time, so a burst needs few rounds). Only
    // the database refusing a lease, for this amount or a smaller one, makes a 402.
    for (let round = 0; round < MAX_LEASE_ROUNDS; round++) {
      if (this.fits(s, amount)) return this.take(s, tenantId, amount);
      if (s.refusedAt > this.now() - REFUSAL_MEMORY_MS && amount >= s.refusedNeed) throw insufficient(amount);
      s.acquiring ??= this.acquire(tenantId, s, amount).finally(() => {
        s.acquiring = null;
      });
      await s.acquiring;
    }
    if (this.fits(s, amount)) return this.take(s, tenantId, amount);
    throw new AppError(
      "service_unavailable",
      "Credit is being leased for many requests at once; please retry.",
    );
  }

  /** A top-up or grant arrived (this or another instance): forget remembered refusals for the workspace. */
  creditChanged(tenantId: string): void {
    const s = this.tenants.get(tenantId);
    if (s) s.refusedAt = 0;
  }

  /** Local view for tests and metrics. */
  snapshot(tenantId: string): { granted: bigint; held: bigint; pending: bigint } | null {
    const s = this.tenants.get(tenantId);
    return s ? { granted: s.granted, held: s.held, pending: s.pending } : null;
  }

  /** Called by CreditHold.settle. */
  release(tenantId: string, held: bigint, charge: bigint): void {
    const s = this.state(tenantId);
    s.held -= held;
    s.pending += charge;
    s.lastActive = this.now();
  }

  /**
   * The usage writer wrote `charged` per workspace (records this process settled) in a statement that also
   * consumed this instance's lease, except for the workspaces in `unleased`, whose lease row was gone (reclaimed:
   * the charge came out of the balance alone).
   */
  applyWritten(charged: Map<string, bigint>, unleased: ReadonlySet<string>): void {
    for (const [tenantId, total] of charged) {
      const s = this.state(tenantId);
      s.pending -= total;
      if (unleased.has(tenantId)) s.granted = 0n;
      else s.granted -= total;
    }
  }

  private state(tenantId: string): TenantCredit {
    let s = this.tenants.get(tenantId);
    if (!s) {
      s = {
        granted: 0n,
        held: 0n,
        pending: 0n,
        validUntil: 0,
        lastActive: this.now(),
        chunk: this.minLease,
        lastAcquiredAt: 0,
        acquiring: null,
        refusedAt: 0,
        refusedNeed: 0n,
      };
      this.tenants.set(tenantId, s);
    }
    return s;
  }

  private fits(s: TenantCredit, amount: bigint): boolean {
    return s.validUntil > this.now() && s.granted - s.held - s.pending >= amount;
  }

  private take(s: TenantCredit, tenantId: string, amount: bigint): CreditHold {
    s.held += amount;
    return new CreditHold(this, tenantId, amount);
  }

  /**
   * Leases at least what `amount` is short of, atomically; more when the workspace is busy (the chunk doubles
   * while leases are needed in quick succession), but never more than half of what is unreserved (beyond the
   * need), so other instances keep a share.
   */
  private async acquire(tenantId: string, s: TenantCredit, amount: bigint): Promise<void> {
    // What the lease lacks for this hold (0 when only its validity lapsed: then this just renews it).
    const need = max(0n, amount - (s.granted - s.held - s.pending));
    const now = this.now();
    s.chunk =
      now - s.lastAcquiredAt < 2_000 ? min(s.chunk * 2n, this.maxLease) : max(this.minLease, amount * 8n);
    const desired = max(need, s.chunk);
    let rows: { grant: bigint | string; amount: bigint | string; inserted: boolean }[];
    try {
      const db = await this.opts.getDb();
      rows = await db.$queryRawUnsafe(
        `WITH t AS (
           SELECT "id", LEAST($3::bigint, GREATEST($2::bigint, ("balanceMicros" - "reservedMicros") / 2)) AS "grant"
             FROM "Tenant" WHERE "id" = $1 AND "balanceMicros" - "reservedMicros" >= $2::bigint
              FOR UPDATE
         ), u AS (
           UPDATE "Tenant" SET "reservedMicros" = "Tenant"."reservedMicros" + t."grant"
             FROM t WHERE "Tenant"."id" = t."id"
           RETURNING t."grant"
         ), l AS (
           INSERT INTO "CreditLease" ("tenantId", "instanceId", "amountMicros", "expiresAt", "updatedAt")
           SELECT $1, $4, u."grant", now() + $5::int * interval '1 millisecond', now() FROM u
           ON CONFLICT ("tenantId", "instanceId") DO UPDATE
             SET "amountMicros" = "CreditLease"."amountMicros" + EXCLUDED."amountMicros",
                 "expiresAt" = EXCLUDED."expiresAt", "updatedAt" = now()
           RETURNING "amountMicros", (xmax = 0) AS inserted
         )
         SELECT u."grant", l."amountMicros" AS amount, l.inserted FROM u, l`,
        tenantId,
        need.toString(),
        desired.toString(),
        this.instanceId,
        this.ttlMs,
      );
    } catch (err) {
      log.error("credit lease failed", { tenantId, error: (err as Error).message });
      throw new AppError("service_unavailable", "Credit could not be checked right now; please retry.");
    }
    const row = rows[0];
    if (!row) {
      // Not enough unreserved credit for this hold: hold() refuses it, and for a moment any hold as large.
      s.refusedAt = this.now();
      s.refusedNeed = amount;
      return;
    }
    const grant = BigInt(row.grant);
    // A fresh row means the old lease was reclaimed while we were away: our local figure is stale.
    s.granted = row.inserted ? BigInt(row.amount) : s.granted + grant;
    s.validUntil = this.now() + this.ttlMs - MARGIN_MS;
    s.lastAcquiredAt = now;
    s.refusedAt = 0;
  }

  /** Renews this instance's leases, returns idle remainders, and reclaims leases of instances that died. */
  maintain(): Promise<void> {
    this.maintaining ??= this.runMaintenance().finally(() => {
      this.maintaining = null;
    });
    return this.maintaining;
  }

  private async runMaintenance(): Promise<void> {
    let db: Db;
    try {
      db = await this.opts.getDb();
    } catch {
      return;
    }
    try {
      await this.renew(db);
      await this.returnIdle(db);
      await reclaimExpiredLeases(db);
    } catch (err) {
      log.warn("credit lease maintenance failed", { error: (err as Error).message });
    }
  }

  private async renew(db: Db): Promise<void> {
    if (this.tenants.size === 0) return;
    const started = this.now();
    const rows = await db.$queryRawUnsafe<{ tenantId: string }[]>(
      `UPDATE "CreditLease" SET "expiresAt" = now() + $2::int * interval '1 millisecond', "updatedAt" = now()
        WHERE "instanceId" = $1 RETURNING "tenantId"`,
      this.instanceId,
      this.ttlMs,
    );
    const alive = new Set(rows.map((r) => r.tenantId));
    for (const [tenantId, s] of this.tenants) {
      if (alive.has(tenantId)) {
        s.validUntil = started + this.ttlMs - MARGIN_MS;
      } else if (!s.acquiring && s.lastAcquiredAt < started) {
        s.granted = 0n; // reclaimed, or never leased (a lease taken while this ran is not in its answer)
      }
    }
  }

  private async returnIdle(db: Db): Promise<void> {
    const now = this.now();
    for (const [tenantId, s] of this.tenants) {
      if (s.acquiring || s.held > 0n || s.pending > 0n || now - s.lastActive < this.idleReturnMs) continue;
      const remainder = s.granted;
      if (remainder > 0n) {
        s.granted -= remainder;
        try {
          await giveBack(db, this.instanceId, tenantId, remainder);
        } catch (err) {
          s.granted += remainder;
          throw err;
        }
      }
      if (s.granted === 0n && s.held === 0n && s.pending === 0n) this.tenants.delete(tenantId);
    }
  }

  /** Returns every lease of this instance (graceful shutdown, after the usage writer's last flush). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.maintaining?.catch(() => {});
    try {
      const db = await this.opts.getDb();
      await db.$executeRawUnsafe(
        `WITH d AS (DELETE FROM "CreditLease" WHERE "instanceId" = $1 RETURNING "tenantId", "amountMicros")
         UPDATE "Tenant" t SET "reservedMicros" = t."reservedMicros" - s.amount
           FROM (SELECT "tenantId", SUM("amountMicros")::bigint AS amount FROM d GROUP BY "tenantId") s
          WHERE t."id" = s."tenantId"`,
        this.instanceId,
      );
      this.tenants.clear();
    } catch (err) {
      log.warn("credit leases not returned at shutdown; they expire on their own", {
        error: (err as Error).message,
      });
    }
  }
}

async function giveBack(db: Db, instanceId: string, tenantId: string, amount: bigint): Promise<void> {
  await db.$executeRawUnsafe(
    `WITH l AS (
       UPDATE "CreditLease" SET "amountMicros" = "amountMicros" - $3::bigint, "updatedAt" = now()
        WHERE "tenantId" = $1 AND "instanceId" = $2 RETURNING "tenantId"
     )
     UPDATE "Tenant" t SET "reservedMicros" = t."reservedMicros" - $3::bigint FROM l WHERE t."id" = l."tenantId"`,
    tenantId,
    instanceId,
    amount.toString(),
  );
}

/** Deletes leases nobody renewed in time and un-reserves their amounts (any instance may run it). */
export async function reclaimExpiredLeases(db: Pick<Db, "$executeRawUnsafe">): Promise<number> {
  return db.$executeRawUnsafe(
    `WITH d AS (DELETE FROM "CreditLease" WHERE "expiresAt" < now() RETURNING "tenantId", "amountMicros")
     UPDATE "Tenant" t SET "reservedMicros" = t."reservedMicros" - s.amount
       FROM (SELECT "tenantId", SUM("amountMicros")::bigint AS amount FROM d GROUP BY "tenantId") s
      WHERE t."id" = s."tenantId"`,
  );
}

function insufficient(amount: bigint): AppError {
  return new AppError(
    "insufficient_quota",
    `Insufficient credit: this request may cost up to ${formatUsd(amount, 6)} and the workspace's available balance does not cover it. Top up in the dashboard (Billing), or lower max_tokens.`,
  );
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
