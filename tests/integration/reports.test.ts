// Reports on both databases, from hand-seeded rollups and records (the relay's usage writer keeps the rollups in
// step with the records in production; here both are written directly so every number below is checked by hand).
// "now" is 2026-11-24 15:20 UTC = 10:20 in New York (EST, UTC-5; DST ended Nov 1).
import { beforeAll, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { purgeExpiredBodies } from "@/lib/reports/bodies";
import { overview } from "@/lib/reports/overview";
import { requestDetail, requestLog } from "@/lib/reports/requests";
import { usageCsv, usageReport } from "@/lib/reports/usage";
import { describeEachDatabase } from "./helpers/db";

const NOW = new Date("2026-11-24T15:20:00Z");
const A = "tnt_reportsA";
const B = "tnt_reportsB";

type Hist = [number, number, number, number, number, number, number, number];
interface Roll {
  hour: string;
  key: string;
  model: string;
  provider: string;
  deployment: string;
  requests: number;
  errors?: Partial<Record<"clientErrors" | "rateLimited" | "upstreamErrors" | "clientClosed", number>>;
  input: number;
  output: number;
  cost: number;
  providerCost: number;
  hist: Hist;
  tenantId?: string;
}

function rollup(r: Roll) {
  const e = r.errors ?? {};
  const errors = Object.values(e).reduce((a, b) => a + b, 0);
  const [lat100, lat250, lat500, lat1000, lat2500, lat5000, lat10000, lat30000] = r.hist;
  return {
    tenantId: r.tenantId ?? A,
    hour: new Date(r.hour),
    apiKeyId: r.key,
    modelId: r.model,
    requestedModel: r.model,
    providerId: r.provider,
    deploymentId: r.deployment,
    requests: r.requests,
    errors,
    ...e,
    inputTokens: BigInt(r.input),
    outputTokens: BigInt(r.output),
    costMicros: BigInt(r.cost),
    providerCostMicros: BigInt(r.providerCost),
    lat100,
    lat250,
    lat500,
    lat1000,
    lat2500,
    lat5000,
    lat10000,
    lat30000,
  };
}

const all = (n: number): Hist => [n, n, n, n, n, n, n, n];

async function seed(db: Db): Promise<void> {
  await db.tenant.create({
    data: {
      id: A,
      slug: "reports-a",
      name: "A",
      timeZone: "America/New_York",
      monthlyBudgetMicros: 10_000_000n,
      balanceMicros: 42_000_000n,
    },
  });
  await db.tenant.create({ data: { id: B, slug: "reports-b", name: "B" } });
  await db.provider.createMany({
    data: [
      { id: "prv_p1", name: "openai-x", protocol: "openai", baseUrl: "http://127.0.0.1:1" },
      { id: "prv_p2", name: "anthropic-x", protocol: "anthropic", baseUrl: "http://127.0.0.1:2" },
    ],
  });
  await db.model.createMany({
    data: [
      { id: "mdl_m1", name: "gpt-test", aliases: [] },
      { id: "mdl_m2", name: "claude-test", aliases: [] },
    ],
  });
  await db.deployment.createMany({
    data: [
      { id: "dep_d1", modelId: "mdl_m1", providerId: "prv_p1", upstreamModel: "gpt-up", capabilities: [] },
      { id: "dep_d2", modelId: "mdl_m2", providerId: "prv_p2", upstreamModel: "claude-up", capabilities: [] },
    ],
  });
  await db.apiKey.createMany({
    data: [
      { id: "key_k1", tenantId: A, name: "prod", hash: "h1", hint: "…1" },
      { id: "key_k2", tenantId: A, name: "dev", hash: "h2", hint: "…2" },
      { id: "key_kb", tenantId: B, name: "B's secret key", hash: "h3", hint: "…3" },
    ],
  });
  const m1 = { model: "mdl_m1", provider: "prv_p1", deployment: "dep_d1" };
  const m2 = { model: "mdl_m2", provider: "prv_p2", deployment: "dep_d2" };
  await db.usageRollup.createMany({
    data: [
      // today 09:00 NY
      rollup({
        hour: "2026-11-24T14:00:00Z",
        key: "key_k1",
        ...m1,
        requests: 10,
        errors: { upstreamErrors: 1, rateLimited: 1 },
        input: 1000,
        output: 500,
        cost: 2_000_000,
        providerCost: 1_600_000,
        hist: [2, 4, 8, 10, 10, 10, 10, 10],
      }),
      // 23:00 NY on Nov 23 (Nov 24 in UTC): belongs to the 23rd
      rollup({
        hour: "2026-11-24T04:00:00Z",
        key: "key_k2",
        ...m2,
        requests: 5,
        errors: { clientErrors: 1 },
        input: 200,
        output: 100,
        cost: 500_000,
        providerCost: 400_000,
        hist: [0, 0, 0, 5, 5, 5, 5, 5],
      }),
      // yesterday 05:00 NY (inside "the same time yesterday")
      rollup({
        hour: "2026-11-23T10:00:00Z",
        key: "key_k2",
        ...m1,
        requests: 1,
        input: 10,
        output: 10,
        cost: 1_000_000,
        providerCost: 800_000,
        hist: all(1),
      }),
      // the range's first hour: 00:00 NY on Nov 18
      rollup({
        hour: "2026-11-18T05:00:00Z",
        key: "key_k1",
        ...m1,
        requests: 5,
        input: 100,
        output: 100,
        cost: 1_000_000,
        providerCost: 800_000,
        hist: all(5),
      }),
      // one hour earlier: the previous period
      rollup({
        hour: "2026-11-18T04:00:00Z",
        key: "key_k1",
        ...m1,
        requests: 4,
        input: 40,
        output: 60,
        cost: 3_000_000,
        providerCost: 2_400_000,
        hist: [0, 4, 4, 4, 4, 4, 4, 4],
      }),
      // another workspace, same hour and dimensions: must never show up in A's numbers
      rollup({
        tenantId: B,
        hour: "2026-11-24T14:00:00Z",
        key: "key_kb",
        ...m1,
        requests: 1000,
        errors: { upstreamErrors: 900 },
        input: 1e6,
        output: 1e6,
        cost: 999_000_000,
        providerCost: 1,
        hist: all(0),
      }),
    ],
  });
}

describeEachDatabase("reports", (getDb) => {
  beforeAll(async () => {
    await seed(getDb().prisma);
  });

  it("overview: headline numbers against the previous 7 days, percentiles from the histogram", async () => {
    const o = await overview(getDb().prisma, A, { range: "7d" }, NOW);
    expect(o.range.from.toISOString()).toBe("2026-11-18T05:00:00.000Z");
    expect(o.balanceMicros).toBe(42_000_000n);
    expect(o.kpis.requests).toEqual({ current: 21, previous: 4, change: 17 / 4 });
    expect(o.kpis.spend).toEqual({ current: 4_500_000n, previous: 3_000_000n, change: 0.5 });
    expect(o.kpis.tokens).toEqual({ current: 2020n, previous: 100n, change: 19.2 });
    expect(o.kpis.errorRate.current).toBeCloseTo(3 / 21, 10);
    expect(o.kpis.errorRate).toMatchObject({ previous: 0, change: null });
    // merged histogram (cumulative): <=100: 8, <=250: 10, <=500: 14, <=1000: 21 of 21
    // p50: rank 10.5 in (250, 500]: 250 + 250 * 0.5/4 = 281.25; p95: rank 19.95 in (500, 1000]: 500 + 500 * 5.95/7
    expect(o.kpis.p50.current).toEqual({ ms: 281, overflow: false });
    expect(o.kpis.p95.current).toEqual({ ms: 925, overflow: false });
    // previous: 4 requests in (100, 250]: p50 rank 2 -> 100 + 150 * 2/4
    expect(o.kpis.p50.previous).toEqual({ ms: 175, overflow: false });
    expect(o.kpis.p50.change).toBeCloseTo((281 - 175) / 175, 10);
    expect(o.hasData).toBe(true);
  });

  it("overview: spend today and this month in the workspace's zone, against the budget", async () => {
    const o = await overview(getDb().prisma, A, { range: "24h" }, NOW);
    expect(o.spendToday).toEqual({ current: 2_000_000n, previous: 1_000_000n, change: 1 });
    expect(o.spendMonth).toEqual({ current: 7_500_000n, previous: 0n, change: null });
    expect(o.budgetUsedPercent).toBe(75);
  });

  it("overview: daily series bucketed at New York midnight, every day present", async () => {
    const o = await overview(getDb().prisma, A, { range: "7d" }, NOW);
    const { series, points } = o.series.spendByModel;
    expect(series).toEqual([
      { key: "s0", label: "gpt-test" },
      { key: "s1", label: "claude-test" },
    ]);
    expect(points.map((p) => p.bucket)).toEqual(o.range.buckets);
    expect(points.find((p) => p.bucket === "2026-11-18")).toEqual({ bucket: "2026-11-18", s0: 1, s1: 0 });
    expect(points.find((p) => p.bucket === "2026-11-23")).toEqual({ bucket: "2026-11-23", s0: 1, s1: 0.5 });
    expect(points.find((p) => p.bucket === "2026-11-24")).toEqual({ bucket: "2026-11-24", s0: 2, s1: 0 });
    expect(points.find((p) => p.bucket === "2026-11-20")).toEqual({ bucket: "2026-11-20", s0: 0, s1: 0 });

    const byProvider = o.series.requestsByProvider;
    expect(byProvider.series.map((s) => s.label)).toEqual(["openai-x", "anthropic-x"]);
    expect(byProvider.points.find((p) => p.bucket === "2026-11-23")).toMatchObject({ s0: 1, s1: 5 });

    expect(o.series.errors.find((e) => e.bucket === "2026-11-24")).toEqual({
      bucket: "2026-11-24",
      clientErrors: 0,
      rateLimited: 1,
      upstreamErrors: 1,
      clientClosed: 0,
    });
    expect(o.series.errors.find((e) => e.bucket === "2026-11-23")).toMatchObject({
      clientErrors: 1,
      upstreamErrors: 0,
    });
    // Nov 24: 10 requests, <=100: 2, <=250: 4, <=500: 8, <=1000: 10. p50 rank 5 -> 250 + 250 * 1/4
    expect(o.series.latency.find((l) => l.bucket === "2026-11-24")).toEqual({
      bucket: "2026-11-24",
      p50: 313,
      p95: 875,
    });
    expect(o.series.latency.find((l) => l.bucket === "2026-11-20")).toEqual({
      bucket: "2026-11-20",
      p50: null,
      p95: null,
    });
  });

  it("overview: hourly buckets for 24 h, labelled in local time", async () => {
    const o = await overview(getDb().prisma, A, { range: "24h" }, NOW);
    expect(o.range.buckets).toHaveLength(24);
    expect(o.kpis.requests.current).toBe(15); // 04:00Z and 14:00Z fall in the last 24 h; 10:00Z Nov 23 is the previous
    expect(o.kpis.requests.previous).toBe(1);
    const nine = o.series.requestsByProvider.points.find((p) => p.bucket === "2026-11-24 09:00");
    expect(nine).toMatchObject({ s0: 10 });
  });

  it("overview of an empty workspace: zeros, no change, no data", async () => {
    const { prisma } = getDb();
    await prisma.tenant.create({ data: { id: "tnt_empty", slug: "reports-empty", name: "Empty" } });
    const o = await overview(prisma, "tnt_empty", { range: "30d" }, NOW);
    expect(o.hasData).toBe(false);
    expect(o.kpis.requests).toEqual({ current: 0, previous: 0, change: null });
    expect(o.kpis.p95.current).toBeNull();
    expect(o.series.spendByModel.series).toEqual([]);
    expect(o.series.latency).toHaveLength(30);
    expect(o.budgetUsedPercent).toBeNull();
  });

  it("usage report by model, with provider cost, markup and charged cost side by side", async () => {
    const r = await usageReport(getDb().prisma, A, { range: { range: "7d" }, groupBy: "model" }, NOW);
    expect(
      r.rows.map((x) => [x.label, x.requests, x.providerCostMicros, x.markupMicros, x.costMicros]),
    ).toEqual([
      ["gpt-test", 16, 3_200_000n, 800_000n, 4_000_000n],
      ["claude-test", 5, 400_000n, 100_000n, 500_000n],
    ]);
    expect(r.totals).toMatchObject({
      label: "Total",
      requests: 21,
      errors: 3,
      inputTokens: 1310n,
      outputTokens: 710n,
      costMicros: 4_500_000n,
    });
  });

  it("usage report by day (zone), key, provider and deployment; filters narrow it", async () => {
    const db = getDb().prisma;
    const q = (groupBy: "day" | "key" | "provider" | "deployment", filters = {}) =>
      usageReport(db, A, { range: { range: "7d" }, groupBy, filters }, NOW);
    expect((await q("day")).rows.map((x) => [x.key, x.requests])).toEqual([
      ["2026-11-18", 5],
      ["2026-11-23", 6],
      ["2026-11-24", 10],
    ]);
    expect((await q("key")).rows.map((x) => [x.label, x.requests])).toEqual([
      ["prod", 15],
      ["dev", 6],
    ]);
    expect((await q("provider")).rows.map((x) => x.label)).toEqual(["openai-x", "anthropic-x"]);
    expect((await q("deployment")).rows.map((x) => x.label)).toEqual([
      "openai-x / gpt-up",
      "anthropic-x / claude-up",
    ]);
    const dev = await usageReport(
      db,
      A,
      { range: { range: "7d" }, groupBy: "model", filters: { apiKeyId: "key_k2" } },
      NOW,
    );
    expect(dev.rows.map((x) => [x.label, x.requests])).toEqual([
      ["gpt-test", 1],
      ["claude-test", 5],
    ]);
    const narrow = await q("day", { providerId: "prv_p2", modelId: "mdl_m2" });
    expect(narrow.rows.map((x) => [x.key, x.requests])).toEqual([["2026-11-23", 5]]);
    // another workspace's key id as a filter finds nothing
    expect((await q("day", { apiKeyId: "key_kb" })).totals.requests).toBe(0);
  });

  it("custom range and CSV export", async () => {
    const csv = await usageCsv(
      getDb().prisma,
      A,
      { range: { range: "custom", from: "2026-11-23", to: "2026-11-23" }, groupBy: "model" },
      NOW,
    );
    expect(csv.split("\r\n")).toEqual([
      "model,requests,errors,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,provider_cost_usd,markup_usd,charged_usd",
      "gpt-test,1,0,10,0,10,0,0.800000,0.200000,1.000000",
      "claude-test,5,1,200,0,100,0,0.400000,0.100000,0.500000",
      "Total,6,1,210,0,110,0,1.200000,0.300000,1.500000",
      "",
    ]);
  });

  it("the other workspace sees only its own rows", async () => {
    const o = await overview(getDb().prisma, B, { range: "24h" }, NOW);
    expect(o.kpis.requests.current).toBe(1000);
    const r = await usageReport(getDb().prisma, B, { range: { range: "7d" }, groupBy: "key" }, NOW);
    expect(r.rows.map((x) => x.label)).toEqual(["B's secret key"]);
  });
});

describeEachDatabase("request log", (getDb) => {
  const T = "tnt_logA";
  const U = "tnt_logB";
  const at = (min: number) => new Date(Date.UTC(2026, 10, 24, 12, min));
  // id order breaks ties between equal timestamps: req_c > req_b
  const records = [
    { id: "req_a", createdAt: at(5), status: 200 },
    { id: "req_b", createdAt: at(4), status: 429 },
    { id: "req_c", createdAt: at(4), status: 200 },
    { id: "req_d", createdAt: at(3), status: 502, apiKeyId: "key_log2" },
    { id: "req_e", createdAt: at(2), status: 400 },
    { id: "req_f", createdAt: at(1), status: 499 },
    { id: "req_g", createdAt: at(0), status: 200, apiKeyId: "key_log2" },
  ];

  beforeAll(async () => {
    const db = getDb().prisma;
    await db.tenant.create({ data: { id: T, slug: "log-a", name: "Log A" } });
    await db.tenant.create({ data: { id: U, slug: "log-b", name: "Log B" } });
    await db.apiKey.createMany({
      data: [
        { id: "key_log1", tenantId: T, name: "main", hash: "lh1", hint: "…1" },
        { id: "key_log2", tenantId: T, name: "batch", hash: "lh2", hint: "…2" },
      ],
    });
    const base = {
      tenantId: T,
      endpoint: "chat",
      requestedModel: "switchyard-demo",
      totalMs: 120,
      apiKeyId: "key_log1",
    };
    await db.usageRecord.createMany({ data: records.map((r) => ({ ...base, ...r })) });
    await db.usageRecord.createMany({
      data: [{ ...base, apiKeyId: null, id: "req_other", tenantId: U, createdAt: at(6), status: 200 }],
    });
  });

  it("pages newest first by (createdAt, id), without gaps or repeats, and only the workspace's records", async () => {
    const db = getDb().prisma;
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await requestLog(db, T, { limit: 3, cursor });
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["req_a", "req_c", "req_b", "req_d", "req_e", "req_f", "req_g"]);
    const first = await requestLog(db, T, { limit: 1 });
    expect(first.rows[0]).toMatchObject({
      keyName: "main",
      statusClass: "success",
      model: "switchyard-demo",
      provider: "No provider",
    });
  });

  it("filters by status class, key and time", async () => {
    const db = getDb().prisma;
    const ids = async (q: Parameters<typeof requestLog>[2]) =>
      (await requestLog(db, T, q)).rows.map((r) => r.id);
    expect(await ids({ status: "rate_limited" })).toEqual(["req_b"]);
    expect(await ids({ status: "error" })).toEqual(["req_b", "req_d", "req_e", "req_f"]);
    expect(await ids({ status: "client_error" })).toEqual(["req_e"]);
    expect(await ids({ status: "client_closed" })).toEqual(["req_f"]);
    expect(await ids({ status: "upstream_error" })).toEqual(["req_d"]);
    expect(await ids({ apiKeyId: "key_log2" })).toEqual(["req_d", "req_g"]);
    expect(await ids({ from: at(2), to: at(4) })).toEqual(["req_d", "req_e"]);
  });

  it("detail: attempt log with reasons; another workspace's request is not found", async () => {
    const db = getDb().prisma;
    await db.usageRecord.create({
      data: {
        id: "req_detail",
        tenantId: T,
        apiKeyId: "key_log1",
        endpoint: "chat",
        requestedModel: "switchyard-demo",
        status: 200,
        totalMs: 900,
        ttfbMs: 300,
        attempts: 2,
        costMicros: 1234n,
        providerCostMicros: 1000n,
        markupBps: 2340,
        attemptLog: [
          {
            deploymentId: "dep_x",
            provider: "p1",
            upstreamModel: "m",
            outcome: "http_error",
            status: 503,
            message: "overloaded",
            ms: 20,
          },
          { deploymentId: "dep_y", provider: "p2", upstreamModel: "m", outcome: "ok", status: 200, ms: 880 },
        ],
        createdAt: at(30),
      },
    });
    const d = await requestDetail(db, T, "req_detail");
    expect(d).toMatchObject({
      keyName: "main",
      costMicros: 1234n,
      providerCostMicros: 1000n,
      bodyStatus: "off",
      body: null,
    });
    expect(d.attemptLog.map((a) => a.reason)).toEqual([
      "Answered 503; failed over to the next deployment",
      "Served the response",
    ]);
    await expect(requestDetail(db, T, "req_other")).rejects.toMatchObject({ code: "not_found" });
    await expect(requestDetail(db, U, "req_detail")).rejects.toMatchObject({ code: "not_found" });
  });

  it("bodies: shown only when the workspace stores them and not under zero retention; expired ones purged", async () => {
    const db = getDb().prisma;
    const now = new Date();
    await db.requestBody.createMany({
      data: [
        {
          requestId: "req_detail",
          tenantId: T,
          request: { messages: [{ role: "user", content: "hi" }] },
          response: { ok: 1 },
          expiresAt: new Date(now.getTime() + 86_400_000),
        },
        {
          requestId: "req_a",
          tenantId: T,
          request: { old: true },
          expiresAt: new Date(now.getTime() - 1000),
        },
      ],
    });
    expect((await requestDetail(db, T, "req_detail")).bodyStatus).toBe("off");
    await db.tenant.update({ where: { id: T }, data: { storeBodies: true } });
    const d = await requestDetail(db, T, "req_detail");
    expect(d.bodyStatus).toBe("stored");
    expect(d.body?.request).toEqual({ messages: [{ role: "user", content: "hi" }] });
    expect((await requestDetail(db, T, "req_a")).bodyStatus).toBe("missing"); // expired, not yet purged
    await db.tenant.update({ where: { id: T }, data: { zeroDataRetention: true } });
    expect((await requestDetail(db, T, "req_detail")).body).toBeNull();

    expect(await purgeExpiredBodies(db, now)).toBe(1);
    expect(await db.requestBody.findMany({ select: { requestId: true } })).toEqual([
      { requestId: "req_detail" },
    ]);
  });
});
