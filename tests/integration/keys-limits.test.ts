// API key limits against real databases: spend limit, period, allowed models, expiry and rate limits round-trip
// exactly through lib/tenancy/limits.ts and the /limits route (roles, tenant isolation, validation), every change
// evicts the key on every instance, usage per key comes from the rollups, and the relay honours an edit at once.
import OpenAI from "openai";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { postEntry } from "@/lib/billing/ledger";
import { CatalogConfig, loadCatalogConfig } from "@/lib/catalog/config";
import { createDbKeyLoader, KEY_REVOKED_CHANNEL } from "@/lib/gateway/key-cache";
import { getStore } from "@/lib/store";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/tenancy/api-keys";
import { getOperatorCtx } from "@/lib/tenancy/context";
import { getKeyLimits, setKeyLimits } from "@/lib/tenancy/limits";
import { getKeyUsage } from "@/lib/usage/key-usage";
import { describeEachDatabase, TEST_DATABASE_KINDS } from "./helpers/db";
import { startRelay, type Relay } from "./helpers/relay";
import { createTeamWithKey } from "./helpers/team";

// The route reads the session and the process database: point them at the test's user and database.
const state = vi.hoisted(() => ({ db: null as unknown, user: null as SessionUser | null }));
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => state.user }));
vi.mock("@/lib/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/db/client")>()),
  getDb: async () => state.db,
}));
const limitsRoute = await import("@/app/api/workspaces/[slug]/keys/[id]/limits/route");

const ORIGIN = "http://localhost";
/** Messages published on the process-wide store's key channel (what every instance's gateway evicts on). */
async function listen() {
  const seen: string[] = [];
  const stop = await getStore().subscribe(KEY_REVOKED_CHANNEL, (m) => seen.push(m));
  return { seen, stop };
}

function callRoute(method: "GET" | "PATCH", slug: string, id: string, body?: unknown) {
  const init: RequestInit = {
    method,
    headers: { host: "localhost", origin: ORIGIN, "content-type": "application/json" },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const handler = method === "GET" ? limitsRoute.GET : limitsRoute.PATCH;
  return handler(new Request(`${ORIGIN}/api/workspaces/${slug}/keys/${id}/limits`, init), {
    params: Promise.resolve({ slug, id }),
  });
}

describeEachDatabase("API key limits", (getDb) => {
  const db = () => getDb().prisma;
  let a: Awaited<ReturnType<typeof createTeamWithKey>>;
  let b: Awaited<ReturnType<typeof createTeamWithKey>>;
  let listener: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    state.db = db();
    await loadCatalogConfig(
      db(),
      CatalogConfig.parse({
        providers: [{ name: "kl-p", protocol: "openai", baseUrl: "http://127.0.0.1:9/v1" }],
        models: [
          { name: "kl-fast", deployments: [{ provider: "kl-p", upstreamModel: "f" }] },
          { name: "kl-smart", deployments: [{ provider: "kl-p", upstreamModel: "s" }] },
        ],
      }),
      randomBytes(32),
      { demo: false },
    );
    a = await createTeamWithKey(db(), "a", "Keys");
    b = await createTeamWithKey(db(), "b", "Keys");
    listener = await listen();
  });
  afterAll(() => listener?.stop());

  it("an admin sets every limit; the values round-trip exactly, the key is evicted everywhere and audited", async () => {
    listener.seen.length = 0;
    const expires = new Date(Date.now() + 30 * 86_400_000);
    const out = await setKeyLimits(a.admin, a.key.id, {
      rpm: 60,
      tpm: 100_000,
      spendLimit: "12.345678",
      spendLimitPeriod: "total",
      allowedModels: ["kl-smart", "kl-fast"],
      expiresAt: expires.toISOString(),
    });
    const expected = {
      id: a.key.id,
      name: a.key.name,
      hint: a.key.hint,
      rpmLimit: 60,
      tpmLimit: 100_000,
      spendLimitMicros: 12_345_678n,
      spendLimitPeriod: "total",
      allowedModels: ["kl-smart", "kl-fast"],
      expiresAt: expires,
    };
    expect(out).toEqual(expected);
    expect(await getKeyLimits(a.viewer, a.key.id)).toEqual(expected);
    expect((await listApiKeys(a.member)).find((k) => k.id === a.key.id)).toMatchObject(expected);
    expect(listener.seen).toEqual([a.key.hash]);
    // What the relay loads for the key now.
    expect((await createDbKeyLoader(() => db())(a.key.hash))!.ctx.key).toMatchObject({
      rpmLimit: 60,
      tpmLimit: 100_000,
      spendLimitMicros: 12_345_678n,
      spendLimitPeriod: "total",
      allowedModels: ["kl-smart", "kl-fast"],
    });
    const audit = await db().auditLog.findFirst({
      where: { tenantId: a.tenant.id, action: "api_key.limits", target: a.key.id },
    });
    expect(audit).toMatchObject({ actorUserId: a.users.admin.id });
    expect(audit!.details).toMatchObject({ spendLimitMicros: "12345678", allowedModels: ["kl-smart", "kl-fast"] });
  });

  it('"none" clears a spend limit, [] allows every model, null clears expiry; omitted fields stay', async () => {
    await setKeyLimits(a.owner, a.key.id, { spendLimit: "5", allowedModels: ["kl-fast"], rpm: 7 });
    listener.seen.length = 0;
    const out = await setKeyLimits(a.owner, a.key.id, { spendLimit: "none", allowedModels: [], expiresAt: null });
    expect(out).toMatchObject({
      spendLimitMicros: null,
      allowedModels: [],
      expiresAt: null,
      rpmLimit: 7,
      tpmLimit: 100_000,
      spendLimitPeriod: "total",
    });
    expect(listener.seen).toEqual([a.key.hash]);
  });

  it("refuses unknown models, a past expiry and a revoked key, changing and evicting nothing", async () => {
    const before = await db().apiKey.findUnique({ where: { id: a.key.id } });
    listener.seen.length = 0;
    await expect(setKeyLimits(a.admin, a.key.id, { allowedModels: ["kl-fast", "gpt-nope"] })).rejects.toMatchObject({
      code: "invalid_request",
      param: "allowedModels",
      message: expect.stringContaining("gpt-nope"),
    });
    await expect(
      setKeyLimits(a.admin, a.key.id, { expiresAt: new Date(Date.now() - 60_000).toISOString() }),
    ).rejects.toMatchObject({ code: "invalid_request", param: "expiresAt" });
    const { record } = await createApiKey(a.admin, { name: "soon revoked" });
    await revokeApiKey(a.admin, record.id);
    listener.seen.length = 0;
    await expect(setKeyLimits(a.admin, record.id, { rpm: 1 })).rejects.toMatchObject({ code: "conflict" });
    expect(await db().apiKey.findUnique({ where: { id: a.key.id } })).toEqual(before);
    expect(listener.seen).toEqual([]);
  });

  describe("the /limits route", () => {
    afterEach(() => {
      state.user = null;
    });

    it("lets an admin PATCH; values come back exactly, money as a string of micro-dollars", async () => {
      state.user = a.users.admin;
      const res = await callRoute("PATCH", a.tenant.slug, a.key.id, {
        spendLimit: "12.50",
        spendLimitPeriod: "monthly",
        allowedModels: ["kl-fast"],
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        spendLimitMicros: "12500000",
        spendLimitPeriod: "monthly",
        allowedModels: ["kl-fast"],
      });
      state.user = a.users.viewer;
      const read = await callRoute("GET", a.tenant.slug, a.key.id);
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ spendLimitMicros: "12500000", allowedModels: ["kl-fast"] });
    });

    it("refuses viewers and members (403) and names the failing field for an admin (400)", async () => {
      const before = await db().apiKey.findUnique({ where: { id: a.key.id } });
      for (const role of ["viewer", "member"] as const) {
        state.user = a.users[role];
        const res = await callRoute("PATCH", a.tenant.slug, a.key.id, { spendLimit: "1" });
        expect(res.status).toBe(403);
        expect((await res.json()).error.code).toBe("permission_denied");
      }
      state.user = a.users.admin;
      for (const [body, param] of [
        [{ rpm: 0 }, "rpm"],
        [{ tpm: 2.5 }, "tpm"],
        [{ spendLimit: "12,50" }, "spendLimit"],
        [{ allowedModels: ["nope"] }, "allowedModels"],
        [{ expiresAt: "2001-01-01" }, "expiresAt"],
      ] as const) {
        const res = await callRoute("PATCH", a.tenant.slug, a.key.id, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect((await res.json()).error.param).toBe(param);
      }
      expect(await db().apiKey.findUnique({ where: { id: a.key.id } })).toEqual(before);
    });

    it("is a 404 for another workspace's member and for a key of another workspace, a 401 without a session", async () => {
      const before = await db().apiKey.findUnique({ where: { id: a.key.id } });
      state.user = b.users.owner;
      expect((await callRoute("GET", a.tenant.slug, a.key.id)).status).toBe(404);
      expect((await callRoute("PATCH", a.tenant.slug, a.key.id, { rpm: 1 })).status).toBe(404);
      // B's owner names A's key under B's own workspace: still not found.
      expect((await callRoute("PATCH", b.tenant.slug, a.key.id, { rpm: 1 })).status).toBe(404);
      state.user = null;
      expect((await callRoute("PATCH", a.tenant.slug, a.key.id, { rpm: 1 })).status).toBe(401);
      expect(await db().apiKey.findUnique({ where: { id: a.key.id } })).toEqual(before);
    });
  });

  it("sums each key's requests and spend this month from the rollups, in its own workspace only", async () => {
    const now = new Date("2026-11-20T12:00:00Z");
    const { record: other } = await createApiKey(a.admin, { name: "other" });
    const row = (tenantId: string, hour: string, apiKeyId: string, requests: number, cost: bigint, model = "m") =>
      db().usageRollup.create({
        data: {
          tenantId,
          hour: new Date(hour),
          apiKeyId,
          modelId: model,
          requestedModel: model,
          providerId: "",
          deploymentId: "",
          requests,
          costMicros: cost,
        },
      });
    await row(a.tenant.id, "2026-11-01T00:00:00Z", a.key.id, 3, 1_000n);
    await row(a.tenant.id, "2026-11-20T11:00:00Z", a.key.id, 2, 250n, "m2");
    await row(a.tenant.id, "2026-10-31T23:00:00Z", a.key.id, 100, 9_000n); // last month
    await row(a.tenant.id, "2026-11-02T00:00:00Z", other.id, 1, 7n);
    await row(b.tenant.id, "2026-11-02T00:00:00Z", a.key.id, 50, 5_000n); // another workspace, same id
    const usage = await getKeyUsage(a.viewer, { now, totalFor: [a.key.id] });
    expect(usage.get(a.key.id)).toEqual({
      requestsThisMonth: 5,
      spendThisMonthMicros: 1_250n,
      spendTotalMicros: 10_250n,
    });
    expect(usage.get(other.id)).toEqual({ requestsThisMonth: 1, spendThisMonthMicros: 7n, spendTotalMicros: null });
    expect(usage.get(b.key.id)).toBeUndefined();
  });
});

describe.each(TEST_DATABASE_KINDS)("the relay honours a key edit at once (%s)", (kind) => {
  let relay: Relay | null = null;
  afterEach(async () => {
    await relay?.close();
    relay = null;
  });

  it("402 once a tiny spend limit is used, 429 past an RPM limit, 403 for a model not allowed", async () => {
    // The relay listens on the process store, where the dashboard's edits publish their evictions.
    relay = await startRelay({ kind, billing: true, store: getStore() });
    await postEntry(relay.db.prisma, {
      tenantId: relay.tenantId,
      kind: "adjustment",
      amountMicros: 10_000_000n,
      description: "test credit",
    });
    const ctx = await getOperatorCtx(relay.db.prisma, relay.tenantId);
    const client = new OpenAI({ baseURL: relay.baseURL, apiKey: relay.key, maxRetries: 0 });
    const status = (model: string) =>
      client.chat.completions
        .create({ model, messages: [{ role: "user", content: "Hello there" }], max_tokens: 20 })
        .then(
          () => 200,
          (e: unknown) => (e instanceof OpenAI.APIError ? (e.status ?? 0) : 0),
        );

    await client.models.list(); // the key is cached now, with no limits (and nothing spent)

    // One micro-dollar: the next request starts under it, and what it costs uses it up.
    await setKeyLimits(ctx, relay.keyId, { spendLimit: "0.000001" });
    expect(await status("claude-test")).toBe(200);
    const refused = await client.chat.completions
      .create({ model: "claude-test", messages: [{ role: "user", content: "again" }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((refused as InstanceType<typeof OpenAI.APIError>).code).toBe("insufficient_quota");

    await setKeyLimits(ctx, relay.keyId, { spendLimit: "none", rpm: 1 });
    expect(await status("claude-test")).toBe(200);
    expect(await status("claude-test")).toBe(429);

    await setKeyLimits(ctx, relay.keyId, { rpm: null, allowedModels: ["gpt-test"] });
    const before = relay.primary.stats().requests;
    expect(await status("claude-test")).toBe(403);
    expect(relay.primary.stats().requests).toBe(before); // refused before any provider call
    expect(await status("gpt-test")).toBe(200);
  });
});
