// Spend so far, per key and per workspace, for spend limits, budgets and the routing spend rule, without a database
// round trip per request: the first request of a key (or workspace) in a period loads its spend from the hourly
// rollups (one query), later ones read memory, and the figure is refreshed in the background every few seconds.
// Between refreshes this instance adds what it charges itself; other instances' charges arrive with the refresh.
// So limits are soft by design: concurrent requests in flight, and a few seconds of other instances' spend, can
// carry a key past its limit by that much, never further.
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/observability/log";

export type SpendScope = "key" | "workspace";
export type SpendPeriod = "monthly" | "total";

interface Entry {
  fromDb: bigint;
  /** Charged by this instance since the last load started. */
  local: bigint;
  loadedAt: number;
  loading: Promise<void> | null;
}

export interface SpendTrackerOptions {
  getDb: () => Db | Promise<Db>;
  refreshMs?: number;
  now?: () => number;
}

/** "2026-11" for a time (calendar months in UTC). */
export function monthOf(t: number): string {
  return new Date(t).toISOString().slice(0, 7);
}

function monthStart(month: string): Date {
  return new Date(`${month}-01T00:00:00.000Z`);
}

export class SpendTracker {
  private readonly entries = new Map<string, Entry>();
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: SpendTrackerOptions) {
    this.refreshMs = opts.refreshMs ?? 5_000;
    this.now = opts.now ?? Date.now;
  }

  /** The period key a limit is counted in: "2026-11" for monthly, "total" for a key's whole life. */
  periodKey(period: SpendPeriod): string {
    return period === "total" ? "total" : monthOf(this.now());
  }

  /** Spend so far in the period; loads it on first use, refreshes it in the background when stale. */
  async spent(scope: SpendScope, id: string, tenantId: string, period: SpendPeriod): Promise<bigint> {
    const key = `${scope}:${id}:${this.periodKey(period)}`;
    let e = this.entries.get(key);
    if (!e) {
      e = { fromDb: 0n, local: 0n, loadedAt: 0, loading: null };
      this.entries.set(key, e);
      try {
        await this.load(e, scope, id, tenantId, period);
      } catch (err) {
        // Fail open: a database blip must not stop traffic; the limit applies again once the figure loads.
        this.entries.delete(key);
        log.warn("spend figure not loaded", { scope, id, error: (err as Error).message });
        return e.local;
      }
    } else if (e.loading && e.loadedAt === 0) {
      await e.loading.catch(() => {});
    } else if (this.now() - e.loadedAt > this.refreshMs && !e.loading) {
      void this.load(e, scope, id, tenantId, period).catch(() => {});
    }
    return e.fromDb + e.local;
  }

  /** The last known figure without loading (null when this instance never looked at it this period). */
  peek(scope: SpendScope, id: string, period: SpendPeriod): bigint | null {
    const e = this.entries.get(`${scope}:${id}:${this.periodKey(period)}`);
    return e && e.loadedAt > 0 ? e.fromDb + e.local : null;
  }

  /** A charge settled here: counted at once in every figure this instance tracks for the key and workspace. */
  add(tenantId: string, keyId: string | null, micros: bigint): void {
    if (micros <= 0n) return;
    const month = monthOf(this.now());
    for (const k of [`workspace:${tenantId}:${month}`, `key:${keyId}:${month}`, `key:${keyId}:total`]) {
      const e = this.entries.get(k);
      if (e) e.local += micros;
    }
  }

  private load(
    e: Entry,
    scope: SpendScope,
    id: string,
    tenantId: string,
    period: SpendPeriod,
  ): Promise<void> {
    const localBefore = e.local;
    e.loading = (async () => {
      const db = await this.opts.getDb();
      const since = period === "total" ? new Date(0) : monthStart(monthOf(this.now()));
      const rows = await db.$queryRawUnsafe<{ sum: bigint | string | null }[]>(
        scope === "workspace"
          ? `SELECT SUM("costMicros")::bigint AS sum FROM "UsageRollup" WHERE "tenantId" = $1 AND "hour" >= $2`
          : `SELECT SUM("costMicros")::bigint AS sum FROM "UsageRollup"
              WHERE "tenantId" = $1 AND "apiKeyId" = $3 AND "hour" >= $2`,
        tenantId,
        since,
        ...(scope === "key" ? [id] : []),
      );
      e.fromDb = BigInt(rows[0]?.sum ?? 0);
      // What this instance charged while the query ran may or may not be in it: count it (err on the high side).
      e.local -= localBefore;
      e.loadedAt = this.now();
    })().finally(() => {
      e.loading = null;
    });
    return e.loading;
  }
}
