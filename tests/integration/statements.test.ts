// Monthly statements against real databases: usage from seeded UsageRollup rows and movements from LedgerEntry,
// bucketed in the workspace's time zone, compared with a hand-computed CSV; tenant scoping; and the download
// route's rules (any member, viewers included; 404 for anyone else; 400 for a bad month).
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { postEntry, type LedgerKind } from "@/lib/billing/ledger";
import { monthlyStatement, statementCsv } from "@/lib/billing/statements";
import { createWorkspace } from "@/lib/tenancy/workspaces";
import { describeEachDatabase } from "./helpers/db";

// The route reads the session and the process database: point them at the test's user and database.
const state = vi.hoisted(() => ({ db: null as unknown, user: null as SessionUser | null }));
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => state.user }));
vi.mock("@/lib/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/db/client")>()),
  getDb: async () => state.db,
}));
const { GET } = await import("@/app/api/workspaces/[slug]/billing/statements/[month]/route");

const M = 1_000_000n;
let counter = 0;

async function createUser(db: Db, tag: string) {
  counter += 1;
  return db.user.create({
    data: { id: newId("usr"), email: `${tag}-${Date.now().toString(36)}-${counter}@example.test` },
  });
}

interface Usage {
  requests: number;
  input: number;
  cached?: number;
  write?: number;
  output: number;
  provider: bigint;
  cost: bigint;
}

async function rollup(
  db: Db,
  tenantId: string,
  hour: string,
  ids: { apiKeyId?: string; modelId?: string; requestedModel: string },
  u: Usage,
) {
  await db.usageRollup.create({
    data: {
      tenantId,
      hour: new Date(hour),
      apiKeyId: ids.apiKeyId ?? "",
      modelId: ids.modelId ?? "",
      requestedModel: ids.requestedModel,
      providerId: "",
      deploymentId: "",
      requests: u.requests,
      inputTokens: BigInt(u.input),
      cachedInputTokens: BigInt(u.cached ?? 0),
      cacheWriteTokens: BigInt(u.write ?? 0),
      outputTokens: BigInt(u.output),
      providerCostMicros: u.provider,
      costMicros: u.cost,
    },
  });
}

async function entry(
  db: Db,
  tenantId: string,
  at: string,
  kind: LedgerKind,
  amountMicros: bigint,
  description: string,
  extra: { reference?: string; requestCount?: number } = {},
) {
  const { entryId } = await postEntry(db, {
    tenantId,
    kind,
    amountMicros,
    description,
    reference: extra.reference,
  });
  await db.ledgerEntry.update({
    where: { id: entryId! },
    data: { createdAt: new Date(at), requestCount: extra.requestCount ?? 0 },
  });
}

function req(slug: string, month: string, query = "") {
  return GET(
    new Request(`http://localhost/api/workspaces/${slug}/billing/statements/${month}${query}`, {
      method: "GET",
    }),
    { params: Promise.resolve({ slug, month }) },
  );
}

describeEachDatabase("monthly statements", (getDb) => {
  const db = () => getDb().prisma;
  const users = {} as Record<"owner" | "viewer" | "outsider", SessionUser>;
  let a: { id: string; slug: string };
  let b: { id: string; slug: string };
  let ids: Record<"big" | "small" | "prod" | "dev", string>;

  beforeAll(async () => {
    state.db = db();
    const owner = await createUser(db(), "st-owner");
    const viewer = await createUser(db(), "st-viewer");
    const outsider = await createUser(db(), "st-outsider");
    for (const [k, u] of Object.entries({ owner, viewer, outsider })) {
      users[k as keyof typeof users] = { id: u.id, email: u.email, name: null };
    }
    const ta = await createWorkspace(db(), owner.id, "Acme, Paris");
    await db().tenant.update({ where: { id: ta.id }, data: { timeZone: "Europe/Paris" } });
    await db().membership.create({
      data: { id: newId("mbr"), tenantId: ta.id, userId: viewer.id, role: "viewer" },
    });
    const tb = await createWorkspace(db(), outsider.id, "Other");
    a = ta;
    b = tb;

    const big = await db().model.create({ data: { id: newId("mdl"), name: `st-big-${counter}` } });
    const small = await db().model.create({ data: { id: newId("mdl"), name: `st-small-${counter}` } });
    const hash = () => newId("key");
    const prod = await db().apiKey.create({
      data: { id: newId("key"), tenantId: a.id, name: "Prod", hash: hash(), hint: "sk-...a" },
    });
    const dev = await db().apiKey.create({
      data: { id: newId("key"), tenantId: a.id, name: "=dev", hash: hash(), hint: "sk-...b" },
    });
    ids = { big: big.name, small: small.name, prod: prod.id, dev: dev.id };

    // November 2026 in Paris (UTC+1) is [2026-10-31T23:00Z, 2026-11-30T23:00Z).
    const inNov = "2026-10-31T23:00:00Z"; // the first bucket of November in Paris
    const lastNov = "2026-11-30T22:00:00Z"; // the last
    await rollup(
      db(),
      a.id,
      inNov,
      { apiKeyId: prod.id, modelId: big.id, requestedModel: big.name },
      {
        requests: 10,
        input: 1000,
        cached: 200,
        write: 50,
        output: 500,
        provider: 2n * M,
        cost: 2_200_000n,
      },
    );
    await rollup(
      db(),
      a.id,
      lastNov,
      { apiKeyId: dev.id, modelId: big.id, requestedModel: "big-alias" },
      {
        requests: 5,
        input: 400,
        output: 100,
        provider: 1n * M,
        cost: 1_100_000n,
      },
    );
    await rollup(
      db(),
      a.id,
      "2026-11-15T12:00:00Z",
      { apiKeyId: prod.id, modelId: small.id, requestedModel: small.name },
      {
        requests: 3,
        input: 30,
        output: 3,
        provider: 3n,
        cost: 4n,
      },
    );
    // No model (an unknown name) and no key.
    await rollup(
      db(),
      a.id,
      "2026-11-15T12:00:00Z",
      { requestedModel: "nope" },
      {
        requests: 2,
        input: 0,
        output: 0,
        provider: 0n,
        cost: 0n,
      },
    );
    // Outside the month in Paris: 2026-10-31T22:00Z is October 31, 23:00 local; 2026-11-30T23:00Z is December 1.
    for (const hour of ["2026-10-31T22:00:00Z", "2026-11-30T23:00:00Z"]) {
      await rollup(
        db(),
        a.id,
        hour,
        { apiKeyId: prod.id, modelId: big.id, requestedModel: big.name },
        {
          requests: 1000,
          input: 1,
          output: 1,
          provider: 99n * M,
          cost: 99n * M,
        },
      );
    }
    // Another workspace in November: never in A's statement.
    await rollup(
      db(),
      b.id,
      "2026-11-10T10:00:00Z",
      { modelId: big.id, requestedModel: big.name },
      {
        requests: 777,
        input: 7,
        output: 7,
        provider: 77n * M,
        cost: 77n * M,
      },
    );

    await entry(db(), a.id, "2026-10-15T09:00:00Z", "grant", 5n * M, "Welcome credit");
    await entry(db(), a.id, "2026-11-03T12:00:00Z", "topup", 20n * M, 'Top-up, "card"', {
      reference: `pi_${a.id}`,
    });
    await entry(db(), a.id, "2026-11-10T08:30:00Z", "refund", -2_500_000n, "Refund", {
      reference: `re_${a.id}`,
    });
    await entry(db(), a.id, "2026-11-20T00:00:00Z", "adjustment", -1n, "=rounding");
    await entry(db(), a.id, "2026-11-21T00:00:00Z", "usage", -3_000_000n, "Usage", { requestCount: 16 });
    await entry(db(), a.id, "2026-11-30T22:59:59Z", "usage", -300_004n, "Usage", { requestCount: 4 });
    await entry(db(), a.id, "2026-11-30T23:00:00Z", "grant", 9n * M, "December grant");
    await entry(db(), b.id, "2026-11-05T00:00:00Z", "topup", 50n * M, "B top-up", {
      reference: `pi_${b.id}`,
    });
  });

  it("adds up November in the workspace's zone, by model and by key, with the ledger's movements", async () => {
    const s = await monthlyStatement(db(), a.id, "2026-11", new Date("2026-12-01T08:00:00Z"));
    expect(s.timeZone).toBe("Europe/Paris");
    expect(s.from.toISOString()).toBe("2026-10-31T23:00:00.000Z");
    expect(s.to.toISOString()).toBe("2026-11-30T23:00:00.000Z");
    expect(statementCsv(s)).toBe(
      [
        "Switchyard statement",
        `Workspace,"Acme, Paris"`,
        `Workspace slug,${a.slug}`,
        "Month,2026-11",
        "Time zone,Europe/Paris",
        "Period start (UTC),2026-10-31T23:00:00.000Z",
        "Period end (UTC),2026-11-30T23:00:00.000Z",
        "Generated at (UTC),2026-12-01T08:00:00.000Z",
        "Currency,USD",
        "Opening balance (USD),5.000000",
        // 5 + 20 - 2.5 - 0.000001 - 3 - 0.300004
        "Closing balance (USD),19.199995",
        "",
        "Usage by model",
        "Model,Requests,Input tokens,Cached input tokens,Cache write tokens,Output tokens,Provider cost (USD),Charged (USD)",
        `${ids.big},15,1400,200,50,600,3.000000,3.300000`,
        `${ids.small},3,30,0,0,3,0.000003,0.000004`,
        "nope,2,0,0,0,0,0.000000,0.000000",
        "Total,20,1430,200,50,603,3.000003,3.300004",
        "",
        "Usage by API key",
        "API key,Key id,Requests,Input tokens,Cached input tokens,Cache write tokens,Output tokens,Provider cost (USD),Charged (USD)",
        `Prod,${ids.prod},13,1030,200,50,503,2.000003,2.200004`,
        `'=dev,${ids.dev},5,400,0,0,100,1.000000,1.100000`,
        "(no key),,2,0,0,0,0,0.000000,0.000000",
        "Total,,20,1430,200,50,603,3.000003,3.300004",
        "",
        "Ledger movements",
        "Date (UTC),Kind,Description,Reference,Amount (USD)",
        `2026-11-03T12:00:00.000Z,topup,"Top-up, ""card""",pi_${a.id},20.000000`,
        `2026-11-10T08:30:00.000Z,refund,Refund,re_${a.id},-2.500000`,
        "2026-11-20T00:00:00.000Z,adjustment,'=rounding,,-0.000001",
        ",usage,Usage charges (20 requests in 2 batches),,-3.300004",
        "",
        "Totals by kind",
        "Kind,Amount (USD)",
        "Top-ups,20.000000",
        "Refunds,-2.500000",
        "Grants,0.000000",
        "Adjustments,-0.000001",
        "Usage charges,-3.300004",
        "Net,14.199995",
        "",
      ].join("\r\n"),
    );
  });

  it("never shows another workspace's rows", async () => {
    const s = await monthlyStatement(db(), b.id, "2026-11");
    expect(s.totals).toMatchObject({ requests: 777, costMicros: 77n * M });
    expect(s.byKey.map((k) => k.key)).toEqual(["(no key)"]);
    expect(s.ledger.entries.map((e) => e.description)).toEqual(["B top-up"]);
    expect(s.ledger.openingBalanceMicros).toBe(0n);
  });

  it("is empty (zeros, no lines) for a month without activity", async () => {
    const s = await monthlyStatement(db(), a.id, "2025-01");
    expect(s.byModel).toEqual([]);
    expect(s.totals.requests).toBe(0);
    expect(s.ledger.netMicros).toBe(0n);
    expect(statementCsv(s)).toContain("Net,0.000000\r\n");
  });

  describe("download route", () => {
    it("serves the CSV to a viewer as an attachment", async () => {
      state.user = users.viewer;
      const res = await req(a.slug, "2026-11");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toBe(
        `attachment; filename="switchyard-${a.slug}-2026-11.csv"`,
      );
      const text = await res.text();
      expect(text.startsWith("Switchyard statement\r\n")).toBe(true);
      expect(text).toContain("Total,20,1430,200,50,603,3.000003,3.300004");
    });

    it("serves JSON with ?format=json", async () => {
      state.user = users.owner;
      const res = await req(a.slug, "2026-11", "?format=json");
      expect(res.status).toBe(200);
      const body = (await res.json()) as { totals: { costMicros: string } };
      expect(body.totals.costMicros).toBe("3300004");
    });

    it("is a 404 for a member of another workspace, a 401 without a session", async () => {
      state.user = users.outsider;
      const res = await req(a.slug, "2026-11");
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("Switchyard statement");
      state.user = null;
      expect((await req(a.slug, "2026-11")).status).toBe(401);
    });

    it("is a 400 naming the month for a bad month", async () => {
      state.user = users.owner;
      const res = await req(a.slug, "2026-13");
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { param: string } };
      expect(body.error.param).toBe("month");
    });
  });
});
