// The usage-record writer on both databases: every field lands as given, a retried batch does not double-count,
// a refused batch is spooled at shutdown and recovered at the next start.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { newId } from "@/lib/ids";
import { UsageRecorder, type UsageRecordInput } from "@/lib/usage/recorder";
import { describeEachDatabase } from "./helpers/db";

function record(tenantId: string, over: Partial<UsageRecordInput> = {}): UsageRecordInput {
  return {
    id: newId("req"),
    tenantId,
    apiKeyId: null,
    endpoint: "chat",
    requestedModel: "m",
    modelId: null,
    deploymentId: null,
    providerId: null,
    upstreamModel: "u",
    stream: true,
    attempts: 2,
    attemptLog: [
      { provider: "a", outcome: "timeout" },
      { provider: "b", outcome: "ok" },
    ],
    inputTokens: 100,
    cachedInputTokens: 40,
    cacheWriteTokens: 10,
    outputTokens: 7,
    reasoningTokens: 3,
    estimated: true,
    cacheHit: false,
    ttfbMs: 12,
    totalMs: 345,
    status: 200,
    errorCode: null,
    costMicros: 9_007_199_254_740_993n, // beyond 2^53: must not pass through a float
    providerCostMicros: 8_007_199_254_740_993n,
    markupBps: 1000,
    createdAt: new Date("2026-11-24T01:02:03.456Z"),
    ...over,
  };
}

describeEachDatabase("usage recorder", (getDb) => {
  it("writes every field exactly and skips a duplicate id", async () => {
    const { prisma } = getDb();
    const tenantId = newId("tnt");
    await prisma.tenant.create({ data: { id: tenantId, slug: tenantId.toLowerCase(), name: "Usage" } });
    const recorder = new UsageRecorder({ getDb: async () => prisma, intervalMs: 10 });
    const r = record(tenantId);
    recorder.record(r);
    recorder.record({ ...r }); // the same request id again: ON CONFLICT DO NOTHING
    for (let i = 0; i < 9; i++)
      recorder.record(record(tenantId, { status: 502, errorCode: "upstream_error" }));
    await recorder.close();
    expect(await prisma.usageRecord.count({ where: { tenantId } })).toBe(10);
    const row = await prisma.usageRecord.findUniqueOrThrow({ where: { id: r.id } });
    expect(row).toMatchObject({
      inputTokens: 100,
      cachedInputTokens: 40,
      cacheWriteTokens: 10,
      outputTokens: 7,
      reasoningTokens: 3,
      estimated: true,
      stream: true,
      ttfbMs: 12,
      totalMs: 345,
      costMicros: 9_007_199_254_740_993n,
      attemptLog: r.attemptLog,
    });
    expect(row.createdAt.toISOString()).toBe("2026-11-24T01:02:03.456Z");
  });
});

describe("usage recorder spool", () => {
  it("spools what the database refuses at shutdown and writes it at the next start", async () => {
    const spoolPath = path.join(mkdtempSync(path.join(tmpdir(), "sy-spool-")), "usage-spool.jsonl");
    const broken = new UsageRecorder({
      getDb: async () => {
        throw new Error("database is down");
      },
      spoolPath,
    });
    const tenantId = newId("tnt");
    const r = record(tenantId);
    broken.record(r);
    await broken.close();

    const { createTestDatabase } = await import("./helpers/db");
    const db = await createTestDatabase("pglite");
    try {
      await db.prisma.tenant.create({ data: { id: tenantId, slug: tenantId.toLowerCase(), name: "Spool" } });
      const recorder = new UsageRecorder({ getDb: async () => db.prisma, spoolPath });
      expect(await recorder.recoverSpool()).toBe(1);
      expect(await db.prisma.usageRecord.findUnique({ where: { id: r.id } })).toMatchObject({
        costMicros: r.costMicros,
      });
      expect(await recorder.recoverSpool()).toBe(0);
    } finally {
      await db.drop();
    }
  });
});

describe("usage recorder while the database is unreachable", () => {
  it("backs off without an unhandled rejection, even once a full batch is waiting", async () => {
    // Found by `npm run soak`: a failed flush rejected into `void this.flush()` (an unhandled rejection, which
    // ends a plain node process), and with a full batch queued every new record retried at once.
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on("unhandledRejection", onUnhandled);
    let attempts = 0;
    const recorder = new UsageRecorder({
      getDb: async () => {
        attempts += 1;
        throw new Error("database unreachable");
      },
      batchSize: 2,
      intervalMs: 10,
    });
    try {
      for (let i = 0; i < 20; i++) {
        recorder.record(record("tnt_unreachable"));
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      expect(attempts).toBeLessThanOrEqual(2); // the first try, then the 500 ms back-off has not elapsed yet
      expect(recorder.pending()).toBe(20);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
