// npm run bench:reports [-- --rows 1000000] [-- --runs 5]
// Times the dashboard's report queries on one workspace with a month of traffic: seeds --rows UsageRecord rows
// (default 1,000,000, spread over the last 30 days, in SQL with generate_series) and the UsageRollup rows the usage
// writer would have kept for them (derived from the records in one INSERT ... SELECT ... GROUP BY), plus a second
// workspace with a tenth as many records so every query has to stay in its own tenant's index range. Then runs
// overview(30d), usageReport(30d) by model, day and key, and the request log's first page, `--runs` times each
// after one warm-up, and prints the median and worst. Target: each under 1 s.
// On an in-memory PGlite by default; with DATABASE_URL, in a fresh database created on that server and dropped
// afterwards (the server's own databases are never touched).
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { connectDatabase, type Db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { overview } from "@/lib/reports/overview";
import { requestLog } from "@/lib/reports/requests";
import { usageReport } from "@/lib/reports/usage";

const { values: args } = parseArgs({
  options: { rows: { type: "string", default: "1000000" }, runs: { type: "string", default: "5" } },
});
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
const TENANT = "tnt_bench";
const OTHER = "tnt_bench_other";

async function main(): Promise<void> {
  const { db, target, cleanup } = await openDatabase();
  try {
    console.log(`database: ${target}`);
    let t = performance.now();
    await seedCatalog(db);
    await seedRecords(db, TENANT, ROWS, "a");
    await seedRecords(db, OTHER, Math.round(ROWS / 10), "b");
    const recordsS = (performance.now() - t) / 1000;
    t = performance.now();
    await seedRollups(db);
    const rollupsS = (performance.now() - t) / 1000;
    await db.$executeRawUnsafe(`ANALYZE "UsageRecord"; `);
    await db.$executeRawUnsafe(`ANALYZE "UsageRollup"`);
    const [counts] = await db.$queryRawUnsafe<Array<{ records: bigint; rollups: bigint }>>(
      `SELECT (SELECT count(*) FROM "UsageRecord" WHERE "tenantId" = $1) AS records,
              (SELECT count(*) FROM "UsageRollup" WHERE "tenantId" = $1) AS rollups`,
      TENANT,
    );
    console.log(
      `seeded ${counts!.records} records in ${recordsS.toFixed(1)} s, ${counts!.rollups} rollup rows in ${rollupsS.toFixed(1)} s (plus ${Math.round(ROWS / 10)} records of another workspace)\n`,
    );

    const cases: Array<[string, () => Promise<unknown>]> = [
      ["overview(30d)", () => overview(db, TENANT, { range: "30d" })],
      [
        "usageReport(30d, model)",
        () => usageReport(db, TENANT, { range: { range: "30d" }, groupBy: "model" }),
      ],
      ["usageReport(30d, day)", () => usageReport(db, TENANT, { range: { range: "30d" }, groupBy: "day" })],
      ["usageReport(30d, key)", () => usageReport(db, TENANT, { range: { range: "30d" }, groupBy: "key" })],
      ["requestLog(first page)", () => requestLog(db, TENANT, { limit: 50 })],
      ["requestLog(status=error)", () => requestLog(db, TENANT, { limit: 50, status: "error" })],
    ];
    const results: Array<{ query: string; medianMs: number; maxMs: number; pass: boolean }> = [];
    for (const [name, run] of cases) {
      await run(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await run();
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      const medianMs = times[Math.floor(times.length / 2)]!;
      results.push({ query: name, medianMs, maxMs: times[times.length - 1]!, pass: medianMs < 1000 });
    }
    console.log(`${"query".padEnd(28)}${"median".padStart(10)}${"worst".padStart(10)}  target < 1 s`);
    for (const r of results) {
      console.log(
        `${r.query.padEnd(28)}${`${r.medianMs.toFixed(1)} ms`.padStart(10)}${`${r.maxMs.toFixed(1)} ms`.padStart(10)}  ${r.pass ? "PASS" : "MISS"}`,
      );
    }
  } finally {
    await cleanup();
  }
}

async function openDatabase(): Promise<{ db: Db; target: string; cleanup: () => Promise<void> }> {
  const url = env().DATABASE_URL;
  if (!url) {
    const pglite = new PGlite();
    const state = await connectDatabase({ kind: "pglite-instance", pglite });
    await applyMigrations(state.factory);
    return {
      db: state.prisma,
      target: "PGlite (in memory)",
      cleanup: async () => {
        await state.prisma.$disconnect();
        await pglite.close();
      },
    };
  }
  const name = `sy_bench_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const benchUrl = new URL(url);
  benchUrl.pathname = `/${name}`;
  const state = await connectDatabase({ kind: "postgres", url: benchUrl.toString() });
  await applyMigrations(state.factory);
  return {
    db: state.prisma,
    target: `PostgreSQL (temporary database ${name})`,
    cleanup: async () => {
      await state.prisma.$disconnect();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function seedCatalog(db: Db): Promise<void> {
  await db.tenant.createMany({
    data: [
      {
        id: TENANT,
        slug: "bench",
        name: "Bench",
        timeZone: "America/New_York",
        monthlyBudgetMicros: 5_000_000_000n,
      },
      { id: OTHER, slug: "bench-other", name: "Other" },
    ],
  });
  await db.$executeRawUnsafe(
    `INSERT INTO "Provider" ("id", "name", "protocol", "baseUrl", "updatedAt")
     SELECT 'prv_b' || i, 'bench-provider-' || i, 'openai', 'http://127.0.0.1:9', now() FROM generate_series(0, 2) i;
     `,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Model" ("id", "name", "aliases", "updatedAt")
     SELECT 'mdl_b' || i, 'bench-model-' || i, '{}', now() FROM generate_series(0, 4) i`,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Deployment" ("id", "modelId", "providerId", "upstreamModel", "capabilities", "updatedAt")
     SELECT 'dep_b' || m || '_' || p, 'mdl_b' || m, 'prv_b' || p, 'up-' || m, '{}', now()
       FROM generate_series(0, 4) m, generate_series(0, 2) p`,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "ApiKey" ("id", "tenantId", "name", "hash", "hint")
     SELECT 'key_b' || t || i, CASE t WHEN 'a' THEN '${TENANT}' ELSE '${OTHER}' END, 'key ' || i, 'hash' || t || i, '…' || i
       FROM generate_series(0, 19) i, (VALUES ('a'), ('b')) v(t)`,
  );
}

/** `rows` records over the last 30 days, newest now; models, providers, keys, statuses and latencies vary by i. */
async function seedRecords(db: Db, tenantId: string, rows: number, tag: string): Promise<void> {
  const chunk = 250_000;
  for (let start = 0; start < rows; start += chunk) {
    await db.$executeRawUnsafe(
      `INSERT INTO "UsageRecord" ("id", "tenantId", "apiKeyId", "endpoint", "requestedModel", "modelId", "deploymentId",
         "providerId", "upstreamModel", "stream", "attempts", "inputTokens", "outputTokens", "totalMs", "ttfbMs", "status",
         "errorCode", "costMicros", "providerCostMicros", "markupBps", "createdAt")
       SELECT 'req_${tag}' || lpad(i::text, 9, '0'), $1, 'key_b${tag}' || (i % 20),
              'chat', 'bench-model-' || (i % 5), 'mdl_b' || (i % 5), 'dep_b' || (i % 5) || '_' || (i % 3),
              'prv_b' || (i % 3), 'up-' || (i % 5), i % 2 = 0, 1 + (i % 50 = 0)::int,
              100 + (i * 37) % 2000, 20 + (i * 13) % 500, 50 + (i * 7919) % 4000, 20 + (i * 7919) % 400,
              CASE WHEN i % 50 = 0 THEN 502 WHEN i % 97 = 0 THEN 429 WHEN i % 89 = 0 THEN 400 WHEN i % 301 = 0 THEN 499 ELSE 200 END,
              CASE WHEN i % 50 = 0 THEN 'upstream_error' END,
              120 + (i * 31) % 9000, 100 + (i * 31) % 7500, 2000,
              now() - make_interval(secs => i * (2592000.0 / $2))
         FROM generate_series($3::bigint, $4::bigint) i`,
      tenantId,
      rows,
      start,
      Math.min(rows, start + chunk) - 1,
    );
  }
}

/** The rollups the usage writer keeps, derived from the records (same dimensions, sums and histogram). */
async function seedRollups(db: Db): Promise<void> {
  const lat = [100, 250, 500, 1000, 2500, 5000, 10000, 30000]
    .map((b) => `count(*) FILTER (WHERE "totalMs" <= ${b})`)
    .join(", ");
  await db.$executeRawUnsafe(
    `INSERT INTO "UsageRollup" ("tenantId", "hour", "apiKeyId", "modelId", "requestedModel", "providerId", "deploymentId",
       "requests", "errors", "clientErrors", "rateLimited", "upstreamErrors", "clientClosed", "cacheHits", "estimated",
       "inputTokens", "cachedInputTokens", "cacheWriteTokens", "outputTokens", "reasoningTokens", "costMicros",
       "providerCostMicros", "totalMsSum", "lat100", "lat250", "lat500", "lat1000", "lat2500", "lat5000", "lat10000", "lat30000")
     SELECT "tenantId", date_trunc('hour', "createdAt"), COALESCE("apiKeyId", ''), COALESCE("modelId", ''), "requestedModel",
            COALESCE("providerId", ''), COALESCE("deploymentId", ''),
            count(*), count(*) FILTER (WHERE status >= 400),
            count(*) FILTER (WHERE status >= 400 AND status < 500 AND status NOT IN (429, 499)),
            count(*) FILTER (WHERE status = 429), count(*) FILTER (WHERE status >= 500),
            count(*) FILTER (WHERE status = 499), count(*) FILTER (WHERE "cacheHit"), count(*) FILTER (WHERE estimated),
            sum("inputTokens"), sum("cachedInputTokens"), sum("cacheWriteTokens"), sum("outputTokens"), sum("reasoningTokens"),
            sum("costMicros"), sum("providerCostMicros"), sum("totalMs"), ${lat}
       FROM "UsageRecord"
      GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
