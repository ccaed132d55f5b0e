// Usage records: one per relay request, successful or not, written off the request path in batches.
// Invariant: a record handed to record() is never lost on a graceful shutdown. Batches are inserted with
// ON CONFLICT DO NOTHING (ids are unique request ids), so a retry after an ambiguous failure cannot double-count;
// a batch that fails stays queued and is retried with backoff; on close, whatever the database will not take is
// appended to a spool file in DATA_DIR and re-queued at the next start.
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import type { Db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { log } from "@/lib/observability/log";
import { LATENCY_BOUNDS } from "@/lib/reports/latency";
import { ROLLUP_COUNTER_COLUMNS } from "./rollup-columns";

export interface UsageRecordInput {
  id: string;
  tenantId: string;
  apiKeyId: string | null;
  endpoint: "chat" | "embeddings";
  requestedModel: string;
  modelId: string | null;
  deploymentId: string | null;
  providerId: string | null;
  upstreamModel: string | null;
  stream: boolean;
  attempts: number;
  attemptLog: unknown[];
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  estimated: boolean;
  cacheHit: boolean;
  ttfbMs: number | null;
  totalMs: number;
  status: number;
  errorCode: string | null;
  costMicros: bigint;
  providerCostMicros: bigint;
  markupBps: number;
  createdAt: Date;
  /**
   * Not stored: the charge was settled against this process's credit book (lib/billing/credit-book.ts), which
   * must hear when it is written. Records recovered from a spool file do not carry it.
   */
  settledHere?: boolean;
  /** The request and response bodies, for workspaces that opted in (stored in RequestBody, same statement). */
  body?: { request: unknown; response: unknown; expiresAt: Date } | null;
}

/** What one written batch did, per workspace charged. */
export interface WrittenBatch {
  /** Charges written for records this process settled (settledHere), per workspace. */
  charged: Map<string, bigint>;
  /** Workspaces charged in this statement that had no lease of this instance any more (reclaimed). */
  unleased: Set<string>;
  /** Balances after the charges, with the auto top-up settings (for the caller to trigger a top-up). */
  balances: { tenantId: string; balanceMicros: bigint; autoTopUpBelowMicros: bigint | null }[];
}

export interface UsageRecorderOptions {
  getDb: () => Promise<Db>;
  batchSize?: number;
  intervalMs?: number;
  /** Where records go when the database refuses them at shutdown. */
  spoolPath?: string;
  /** This instance's id in CreditLease rows: written charges consume its lease (lib/billing/credit-book.ts). */
  instanceId?: string;
  /** Told after each written batch (never throws into the writer). */
  onWritten?: (batch: WrittenBatch) => void;
}

export class UsageRecorder {
  private queue: UsageRecordInput[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;
  private readonly batchSize: number;
  private readonly intervalMs: number;

  constructor(private opts: UsageRecorderOptions) {
    this.batchSize = opts.batchSize ?? 500;
    this.intervalMs = opts.intervalMs ?? 1000;
  }

  /** Queues a record; never blocks and never throws. */
  record(r: UsageRecordInput): void {
    this.queue.push(r);
    if (this.closed) return;
    // A full batch goes at once, unless writes are failing: then the back-off timer decides.
    if (this.queue.length >= this.batchSize && this.failures === 0) this.flushInBackground();
    else this.schedule(this.intervalMs);
  }

  pending(): number {
    return this.queue.length;
  }

  /** A record still waiting to be written (for the per-request cost lookup before it lands). */
  find(id: string): UsageRecordInput | undefined {
    return this.queue.find((r) => r.id === id);
  }

  /**
   * Written charges consume the credit lease of `instanceId`; `onWritten` hears of each batch (the gateway
   * connects its credit book here).
   */
  setWriteListener(instanceId: string, onWritten: (batch: WrittenBatch) => void): void {
    this.opts.instanceId = instanceId;
    this.opts.onWritten = onWritten;
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushInBackground();
    }, ms);
    this.timer.unref();
  }

  /** A failed flush is already logged and rescheduled by drain(): nothing to do with its rejection here. */
  private flushInBackground(): void {
    this.flush().catch(() => {});
  }

  /** Writes everything queued now; resolves when done (or when a batch failed and was re-queued). */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.batchSize);
      try {
        const result = await insertBatch(await this.opts.getDb(), batch, this.opts.instanceId ?? "");
        this.queue.splice(0, batch.length);
        this.failures = 0;
        this.report(batch, result);
      } catch (err) {
        this.failures += 1;
        log.warn("usage records not written; will retry", {
          pending: this.queue.length,
          attempt: this.failures,
          error: err instanceof Error ? err.message : String(err),
        });
        if (!this.closed) this.schedule(Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7)));
        throw err;
      }
    }
  }

  private report(batch: UsageRecordInput[], result: BatchResult[]): void {
    if (!this.opts.onWritten) return;
    const charged = new Map<string, bigint>();
    for (const r of batch) {
      if (r.settledHere && r.costMicros > 0n)
        charged.set(r.tenantId, (charged.get(r.tenantId) ?? 0n) + r.costMicros);
    }
    const unleased = new Set(result.filter((r) => !r.leased).map((r) => r.tenantId));
    const balances = result.map((r) => ({
      tenantId: r.tenantId,
      balanceMicros: BigInt(r.balanceMicros),
      autoTopUpBelowMicros:
        r.autoTopUpEnabled && r.autoTopUpThresholdMicros !== null ? BigInt(r.autoTopUpThresholdMicros) : null,
    }));
    try {
      this.opts.onWritten({ charged, unleased, balances });
    } catch (err) {
      log.error("usage onWritten failed", { error: (err as Error).message });
    }
  }

  /** Final flush; what the database will not take goes to the spool file. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing?.catch(() => {});
    try {
      await this.flush();
    } catch {
      this.spool();
    }
  }

  private spool(): void {
    if (!this.opts.spoolPath || this.queue.length === 0) return;
    const lines = this.queue.map(
      (r) => JSON.stringify({ ...r, settledHere: undefined }, bigintAsString) + "\n",
    );
    appendFileSync(this.opts.spoolPath, lines.join(""), { mode: 0o600 });
    log.warn("usage records spooled to disk for the next start", {
      count: lines.length,
      file: this.opts.spoolPath,
    });
    this.queue = [];
  }

  /**
   * Re-queues records spooled by an earlier shutdown and writes them; the spool file is removed only once the
   * database has taken them (a crash in between leaves it for the next start; duplicates are skipped by id).
   */
  async recoverSpool(): Promise<number> {
    const file = this.opts.spoolPath;
    if (!file || (!existsSync(file) && !existsSync(`${file}.recovering`))) return 0;
    const taken = `${file}.recovering`;
    if (!existsSync(taken)) {
      renameSync(file, taken);
    } else if (existsSync(file)) {
      appendFileSync(taken, readFileSync(file));
      rmSync(file);
    }
    const records = readFileSync(taken, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const r = JSON.parse(line) as UsageRecordInput & {
          costMicros: string;
          providerCostMicros?: string;
          createdAt: string;
        };
        return {
          ...r,
          costMicros: BigInt(r.costMicros),
          providerCostMicros: BigInt(r.providerCostMicros ?? 0),
          markupBps: r.markupBps ?? 0,
          createdAt: new Date(r.createdAt),
        };
      });
    this.queue.unshift(...records);
    await this.flush();
    rmSync(taken);
    return records.length;
  }
}

const bigintAsString = (_key: string, value: unknown) =>
  typeof value === "bigint" ? value.toString() : value;

interface BatchResult {
  tenantId: string;
  balanceMicros: bigint | string;
  autoTopUpEnabled: boolean;
  autoTopUpThresholdMicros: bigint | string | null;
  leased: boolean;
}

const ROLLUP_KEY = `"tenantId", "hour", "apiKeyId", "modelId", "requestedModel", "providerId", "deploymentId"`;

/** Stores the opted-in request and response bodies of the records inserted (only in batches that carry any). */
const BODIES_CTE = `bodies AS (
       INSERT INTO "RequestBody" ("requestId", "tenantId", "request", "response", "expiresAt")
       SELECT r->>'id', r->>'tenantId', (r->'body'->'request')::jsonb, (r->'body'->'response')::jsonb,
              (r->'body'->>'expiresAt')::timestamptz AT TIME ZONE 'UTC'
         FROM json_array_elements($1::json) r
        WHERE json_typeof(r->'body') = 'object' AND r->>'id' IN (SELECT "id" FROM ins)
       ON CONFLICT ("requestId") DO NOTHING
     ),`;

/**
 * One statement per batch, so the usage records, the ledger, the credit leases and the rollups can never
 * disagree: it inserts the records (skipping ids already there, so a retry after an ambiguous failure cannot
 * double-count), posts one usage charge per workspace for the records it inserted, takes the same amounts out of
 * the balance and out of this instance's lease (and reserved) where it still has one, and adds the records to the
 * hourly rollups. The rows travel as one JSON parameter; measured in the benchmark, Prisma's createMany for the
 * same batch cost about 3x the CPU on the relay's thread. Records of a workspace deleted meanwhile are dropped.
 */
async function insertBatch(db: Db, batch: UsageRecordInput[], instanceId: string): Promise<BatchResult[]> {
  const ledgerIds: Record<string, string> = {};
  for (const r of batch) if (r.costMicros > 0n) ledgerIds[r.tenantId] ??= newId("led");
  const sums = ROLLUP_COUNTER_COLUMNS.map((c) => `"${c}"`).join(", ");
  const updates = ROLLUP_COUNTER_COLUMNS.map((c) => `"${c}" = "UsageRollup"."${c}" + EXCLUDED."${c}"`).join(
    ", ",
  );
  const latency = LATENCY_BOUNDS.map((b) => `COUNT(*) FILTER (WHERE "totalMs" <= ${b})::int`).join(", ");
  return db.$queryRawUnsafe<BatchResult[]>(
    `WITH ins AS (
       INSERT INTO "UsageRecord"
       SELECT r.* FROM json_populate_recordset(NULL::"UsageRecord", $1::json) r
        WHERE EXISTS (SELECT 1 FROM "Tenant" t WHERE t."id" = r."tenantId")
       ON CONFLICT ("id") DO NOTHING
       RETURNING *
     ), charged AS (
       SELECT "tenantId", SUM("costMicros")::bigint AS total, COUNT(*)::int AS n
         FROM ins WHERE "costMicros" > 0 GROUP BY "tenantId"
     ), led AS (
       INSERT INTO "LedgerEntry" ("id", "tenantId", "kind", "amountMicros", "description", "requestCount")
       SELECT $3::jsonb ->> c."tenantId", c."tenantId", 'usage', -c.total,
              'Usage: ' || c.n || CASE WHEN c.n = 1 THEN ' request' ELSE ' requests' END, c.n
         FROM charged c
     ), lease AS (
       UPDATE "CreditLease" l SET "amountMicros" = l."amountMicros" - c.total, "updatedAt" = now()
         FROM charged c WHERE l."tenantId" = c."tenantId" AND l."instanceId" = $2
       RETURNING l."tenantId"
     ), bal AS (
       UPDATE "Tenant" t
          SET "balanceMicros" = t."balanceMicros" - c.total,
              "reservedMicros" = t."reservedMicros"
                - CASE WHEN c."tenantId" IN (SELECT "tenantId" FROM lease) THEN c.total ELSE 0 END
         FROM charged c WHERE t."id" = c."tenantId"
       RETURNING t."id" AS "tenantId", t."balanceMicros", t."autoTopUpEnabled", t."autoTopUpThresholdMicros",
                 c."tenantId" IN (SELECT "tenantId" FROM lease) AS leased
     ), ${batch.some((r) => r.body) ? BODIES_CTE : ""} roll AS (
       INSERT INTO "UsageRollup" (${ROLLUP_KEY}, ${sums})
       SELECT "tenantId", date_trunc('hour', "createdAt"), COALESCE("apiKeyId", ''), COALESCE("modelId", ''),
              "requestedModel", COALESCE("providerId", ''), COALESCE("deploymentId", ''),
              COUNT(*)::int,
              COUNT(*) FILTER (WHERE "status" >= 400 OR "errorCode" IS NOT NULL)::int,
              COUNT(*) FILTER (WHERE "status" >= 400 AND "status" < 500 AND "status" NOT IN (429, 499))::int,
              COUNT(*) FILTER (WHERE "status" = 429)::int,
              COUNT(*) FILTER (WHERE "status" >= 500 OR ("status" < 400 AND "errorCode" IS NOT NULL))::int,
              COUNT(*) FILTER (WHERE "status" = 499)::int,
              COUNT(*) FILTER (WHERE "cacheHit")::int,
              COUNT(*) FILTER (WHERE "estimated")::int,
              SUM("inputTokens"), SUM("cachedInputTokens"), SUM("cacheWriteTokens"), SUM("outputTokens"),
              SUM("reasoningTokens"), SUM("costMicros"), SUM("providerCostMicros"), SUM("totalMs"),
              ${latency}
         FROM ins
        GROUP BY 1, 2, 3, 4, 5, 6, 7
       ON CONFLICT (${ROLLUP_KEY}) DO UPDATE SET ${updates}
     )
     SELECT * FROM bal`,
    JSON.stringify(batch, bigintAsString),
    instanceId,
    JSON.stringify(ledgerIds),
  );
}
