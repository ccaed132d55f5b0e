// ApiKey.lastUsedAt without a write per request: each authenticated request only notes the time in memory; a
// timer (unref'd, off the request path) writes every noted key in one statement, at most once per interval, and
// shutdown flushes what is left. A failed write keeps its entries for the next attempt.
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/observability/log";

export class LastUsedRecorder {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<number> | undefined;

  constructor(
    private readonly getDb: () => Db | Promise<Db>,
    private readonly intervalMs = 60_000,
  ) {}

  /** Notes that a key was used now. Cheap: one Map write. */
  record(keyId: string, at: number = Date.now()): void {
    this.pending.set(keyId, at);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is pending. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Writes pending times in one batched UPDATE; resolves to the number of keys written (0 on failure). */
  flush(): Promise<number> {
    // One flush at a time; a caller arriving during a flush waits for it and then flushes what came since.
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (this.pending.size === 0) return Promise.resolve(0);
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async write(batch: Map<string, number>): Promise<number> {
    const ids = [...batch.keys()];
    // The columns are timestamp(3) without zone holding UTC, as Prisma writes them: pass UTC wall-clock text.
    const times = ids.map((id) => new Date(batch.get(id)!).toISOString().slice(0, -1));
    try {
      const db = await this.getDb();
      // Only moves forward, so instances flushing out of order never set an older time.
      await db.$executeRaw`
        UPDATE "ApiKey" AS k SET "lastUsedAt" = v.t
        FROM (SELECT unnest(${ids}::text[]) AS id, unnest(${times}::timestamp(3)[]) AS t) AS v
        WHERE k.id = v.id AND (k."lastUsedAt" IS NULL OR k."lastUsedAt" < v.t)`;
      return ids.length;
    } catch (err) {
      for (const [id, at] of batch) {
        const newer = this.pending.get(id);
        if (newer === undefined || newer < at) this.pending.set(id, at);
      }
      log.warn("could not record API key last-used times; will retry", { keys: ids.length, err });
      return 0;
    }
  }
}
