// The dashboard's routing API in lib/ against real databases: policy versions, history and rollback, the route
// explanation (the relay's own planning with live health), and rate limits and cache settings per key and per
// workspace, with roles and tenant isolation. The route handlers only validate and call these functions.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadCatalog, type Catalog } from "@/lib/catalog/catalog";
import { CatalogConfig, loadCatalogConfig } from "@/lib/catalog/config";
import { CatalogRuntime, setProcessCatalog } from "@/lib/catalog/runtime";
import { toErrorResponse } from "@/lib/errors";
import {
  createDbKeyLoader,
  KEY_REVOKED_CHANNEL,
  KeyCache,
  listenForRevocations,
} from "@/lib/gateway/key-cache";
import {
  checkPolicyEdit,
  describeWorkspaceRouting,
  explainRoute,
  explainWorkspaceRoute,
} from "@/lib/routing/explain";
import { getHealthTracker, HealthTracker } from "@/lib/routing/health";
import {
  POLICY_CHANNEL,
  rollbackWorkspacePolicy,
  savePlatformPolicy,
  saveWorkspacePolicy,
} from "@/lib/routing/policies";
import { createMemoryStore, getStore } from "@/lib/store";
import { createApiKey, revokeApiKey } from "@/lib/tenancy/api-keys";
import { hashApiKey } from "@/lib/tenancy/key-format";
import { getKeyLimits, getWorkspaceLimits, setKeyLimits, setWorkspaceLimits } from "@/lib/tenancy/limits";
import { describeEachDatabase } from "./helpers/db";
import { createTeamWithKey } from "./helpers/team";

const MODEL = "rt-chat";
/** Messages published on a channel of the process-wide store (key evictions), from now on. */
async function listen(channel: string) {
  const seen: string[] = [];
  const stop = await getStore().subscribe(channel, (m) => seen.push(m));
  return { seen, stop };
}

describeEachDatabase("routing API", (getDb) => {
  const db = () => getDb().prisma;
  const masterKey = randomBytes(32);
  let catalog: Catalog;
  let dep: { us: string; eu: string };
  let a: Awaited<ReturnType<typeof createTeamWithKey>>;
  let b: Awaited<ReturnType<typeof createTeamWithKey>>;

  beforeAll(async () => {
    const config = CatalogConfig.parse({
      providers: [
        { name: "rt-us", protocol: "openai", baseUrl: "http://127.0.0.1:9/v1", region: "us-east" },
        { name: "rt-eu", protocol: "openai", baseUrl: "http://127.0.0.1:9/v1", region: "eu-west" },
      ],
      models: [
        {
          name: MODEL,
          aliases: ["rt"],
          deployments: [
            {
              provider: "rt-us",
              upstreamModel: "us-m",
              prices: { input: "5", output: "15" },
              capabilities: ["tools"],
            },
            { provider: "rt-eu", upstreamModel: "eu-m", priority: 1, prices: { input: "1", output: "2" } },
          ],
        },
      ],
    });
    await loadCatalogConfig(db(), config, masterKey, { demo: false });
    catalog = await loadCatalog(db(), masterKey);
    const ids = catalog.resolve(MODEL)!.deployments.map((d) => d.id);
    dep = { us: ids[0]!, eu: ids[1]! };
    a = await createTeamWithKey(db(), "a");
    b = await createTeamWithKey(db(), "b");
  });

  describe("policies", () => {
    it("saves versions with author and note, shows them to every member, and rolls back one step", async () => {
      const store = createMemoryStore();
      const announced: string[] = [];
      await store.subscribe(POLICY_CHANNEL, (m) => announced.push(m));

      const v1 = { rules: [{ match: "*", strategy: { type: "priority" } }] };
      const v2 = { rules: [{ match: MODEL, strategy: { type: "lowest-cost" } }], region: ["eu"] };
      expect(await saveWorkspacePolicy(a.admin, v1, "first", store)).toMatchObject({ version: 1 });
      expect(await saveWorkspacePolicy(a.owner, v2, undefined, store)).toMatchObject({ version: 2 });
      expect(announced).toEqual([a.tenant.id, a.tenant.id]); // every instance drops its cached copy

      for (const ctx of [a.viewer, a.member, a.admin]) {
        const r = await describeWorkspaceRouting(ctx);
        expect(r.version).toBe(2);
        expect(r.policy).toEqual({
          rules: [{ match: MODEL, strategy: { type: "lowest-cost" } }],
          region: ["eu"],
        });
        expect(r.platformDefault).toBeNull();
        // The workspace's rule for the model, then the built-in "*" rule; its region applies to all.
        expect(r.effective).toEqual({
          rules: [
            { match: MODEL, strategy: { type: "lowest-cost" } },
            { match: "*", strategy: { type: "priority" } },
          ],
          region: ["eu"],
        });
        expect(r.versions.map((v) => [v.version, v.createdBy, v.note])).toEqual([
          [2, a.users.owner.email, null],
          [1, a.users.admin.email, "first"],
        ]);
      }

      expect(await rollbackWorkspacePolicy(a.admin, 1, store)).toMatchObject({ version: 3 });
      const after = await describeWorkspaceRouting(a.viewer);
      expect(after).toMatchObject({ version: 3, policy: v1 });
      expect(after.versions[0]).toMatchObject({
        version: 3,
        note: "rollback to version 1",
        createdBy: a.users.admin.email,
      });
    });

    it("members and viewers cannot change the policy; nothing is saved", async () => {
      const before = await db().routingPolicy.count({ where: { tenantId: a.tenant.id } });
      for (const ctx of [a.member, a.viewer]) {
        expect(() => checkPolicyEdit(ctx, { rules: [] })).toThrow(
          expect.objectContaining({ code: "permission_denied" }),
        );
        await expect(saveWorkspacePolicy(ctx, { rules: [] })).rejects.toMatchObject({
          code: "permission_denied",
        });
        await expect(rollbackWorkspacePolicy(ctx, 1)).rejects.toMatchObject({ code: "permission_denied" });
      }
      expect(await db().routingPolicy.count({ where: { tenantId: a.tenant.id } })).toBe(before);
    });

    it("an invalid policy lists every issue by path, for inline errors, and saves nothing", async () => {
      const before = await db().routingPolicy.count({ where: { tenantId: a.tenant.id } });
      const input = {
        rules: [
          { match: "*", strategy: { type: "cost-within-latency" } },
          { match: "*", region: [] },
        ],
        extra: true,
      };
      expect(checkPolicyEdit(a.admin, input)).toEqual([
        { path: "rules[0].strategy.maxP95TtftMs", message: "is required" },
        { path: "rules[1].region", message: "list at least one region, or omit region to allow all" },
        { path: "", message: 'unknown field "extra" (allowed: rules, region, defaults)' },
      ]);
      await expect(saveWorkspacePolicy(a.admin, input)).rejects.toMatchObject({ name: "ZodError" });
      expect(await db().routingPolicy.count({ where: { tenantId: a.tenant.id } })).toBe(before);
    });

    it("another workspace's versions are neither listed nor restorable", async () => {
      const r = await describeWorkspaceRouting(b.owner);
      expect(r).toMatchObject({ policy: null, version: null, versions: [] });
      await expect(rollbackWorkspacePolicy(b.owner, 1)).rejects.toMatchObject({ code: "not_found" });
      expect(await db().routingPolicy.count({ where: { tenantId: b.tenant.id } })).toBe(0);
    });

    it("the platform default applies to workspaces without a rule of their own, and its region always applies", async () => {
      try {
        await savePlatformPolicy(
          db(),
          { rules: [{ match: "*", strategy: { type: "lowest-cost" } }], region: ["eu", "us"] },
          null,
          "platform",
        );
        const r = await describeWorkspaceRouting(b.viewer);
        expect(r.platformDefault).toMatchObject({ region: ["eu", "us"] });
        expect(r.effective).toEqual(r.platformDefault);
        const explained = await explainRoute({
          db: db(),
          tenantId: b.tenant.id,
          catalog,
          health: new HealthTracker(),
          body: { model: MODEL },
        });
        expect(explained.tryOrder).toEqual([dep.eu, dep.us]);
        expect(explained.models[0]).toMatchObject({ ruleSource: "platform", strategy: "lowest-cost" });
      } finally {
        await db().routingPolicy.deleteMany({ where: { tenantId: null } });
      }
    });
  });

  describe("route explanation", () => {
    const explain = (tenantId: string, body: unknown, health = new HealthTracker()) =>
      explainRoute({ db: db(), tenantId, catalog, health, body });

    it("gives the order, strategy and source, and each deployment's reason and live health", async () => {
      await saveWorkspacePolicy(b.admin, { rules: [{ match: "*", strategy: { type: "priority" } }] });
      const health = new HealthTracker();
      for (let i = 0; i < 5; i++)
        health.observe({ deploymentId: dep.us, ok: true, ttftMs: 200, totalMs: 400 });
      health.observe({ deploymentId: dep.eu, ok: false, errorClass: "429", retryAfterSec: 30 });

      const out = await explain(
        b.tenant.id,
        { model: "rt", messages: [{ role: "user", content: "hi" }] },
        health,
      );
      expect(out.tryOrder).toEqual([dep.us]);
      const [m] = out.models;
      expect(m).toMatchObject({
        model: MODEL,
        requestedAs: "rt",
        rule: "*",
        ruleSource: "workspace",
        strategy: "priority",
      });
      const [us, eu] = m!.deployments;
      expect(us).toMatchObject({
        deploymentId: dep.us,
        provider: "rt-us",
        region: "us-east",
        included: true,
        position: 1,
      });
      expect(us!.health).toMatchObject({
        seen: true,
        available: true,
        circuit: "closed",
        p95TtftMs: 200,
        errorRate: 0,
      });
      expect(eu).toMatchObject({ deploymentId: dep.eu, included: false, position: null });
      expect(eu!.reason).toMatch(/^cooling down until /);
      expect(eu!.health).toMatchObject({ available: false, score: 0 });
      expect(Date.parse(eu!.health.cooldownUntil!)).toBeGreaterThan(Date.now() + 25_000);
    });

    it("follows the request's preferences and capabilities as the relay does", async () => {
      const byCost = await explain(b.tenant.id, { model: MODEL, route: "cost" });
      expect(byCost.tryOrder).toEqual([dep.eu, dep.us]);
      expect(byCost.models[0]!.strategySource).toBe("request sort price");

      const only = await explain(b.tenant.id, { model: MODEL, provider: { only: ["rt-eu"] } });
      expect(only.tryOrder).toEqual([dep.eu]);
      expect(only.models[0]!.deployments[1]).toMatchObject({ deploymentId: dep.us, included: false });

      const tools = await explain(b.tenant.id, {
        model: MODEL,
        tools: [{ type: "function", function: { name: "f" } }],
      });
      expect(tools.need).toEqual(["tools"]);
      expect(tools.tryOrder).toEqual([dep.us]);
    });

    it("returns the relay's errors: unknown model 404, a region that forbids every deployment 403", async () => {
      const unknown = await explain(b.tenant.id, { model: "no-such-model" }).catch((e: unknown) => e);
      expect(toErrorResponse(unknown)).toMatchObject({
        status: 404,
        body: { error: { code: "model_not_found", param: "model", type: "invalid_request_error" } },
      });

      await saveWorkspacePolicy(b.admin, { region: ["ap"] });
      const denied = await explain(b.tenant.id, { model: MODEL }).catch((e: unknown) => e);
      const { status, body } = toErrorResponse(denied);
      expect(status).toBe(403);
      expect(body.error.code).toBe("permission_denied");
      expect(body.error.message).toMatch(/region constraint \[ap\] leaves no deployment of `rt-chat`/);
      await saveWorkspacePolicy(b.admin, { rules: [] });
    });

    it("explainWorkspaceRoute uses this process's catalog snapshot and health tracker", async () => {
      const runtime = new CatalogRuntime(async () => db(), masterKey);
      await runtime.refresh();
      setProcessCatalog(runtime);
      try {
        getHealthTracker().observe({ deploymentId: dep.us, ok: false, errorClass: "429", retryAfterSec: 60 });
        const out = await explainWorkspaceRoute(a.viewer, { model: MODEL });
        expect(out.tryOrder).toEqual([dep.eu]); // a's policy (rolled back to v1: priority) with us cooling down
        expect(out.models[0]!.deployments[1]).toMatchObject({ deploymentId: dep.us, included: false });
      } finally {
        delete (globalThis as Record<symbol, unknown>)[Symbol.for("switchyard.catalog")];
      }
    });
  });

  describe("limits", () => {
    let listener: Awaited<ReturnType<typeof listen>>;
    beforeAll(async () => {
      listener = await listen(KEY_REVOKED_CHANNEL);
    });
    afterAll(() => listener?.stop());

    it("an admin sets a key's limits; null removes one, an omitted one stays; every instance evicts the key", async () => {
      const cache = new KeyCache(
        createDbKeyLoader(() => db()),
        { max: 10, ttlMs: 60_000, negativeTtlMs: 1_000 },
      );
      const stop = await listenForRevocations(cache, getStore());
      try {
        expect((await cache.lookup(a.key.hash))!.ctx.key).toMatchObject({ rpmLimit: null, tpmLimit: null });
        listener.seen.length = 0;
        expect(await setKeyLimits(a.admin, a.key.id, { rpm: 60, tpm: 10_000 })).toEqual({
          id: a.key.id,
          name: a.key.name,
          hint: a.key.hint,
          rpmLimit: 60,
          tpmLimit: 10_000,
          spendLimitMicros: null,
          spendLimitPeriod: "monthly",
          allowedModels: [],
          expiresAt: null,
        });
        expect(listener.seen).toEqual([a.key.hash]);
        await vi.waitFor(async () =>
          expect((await cache.lookup(a.key.hash))!.ctx.key).toMatchObject({ rpmLimit: 60, tpmLimit: 10_000 }),
        );
        expect(await setKeyLimits(a.owner, a.key.id, { tpm: null })).toMatchObject({
          rpmLimit: 60,
          tpmLimit: null,
        });
        expect(await getKeyLimits(a.viewer, a.key.id)).toMatchObject({ rpmLimit: 60, tpmLimit: null });
      } finally {
        await stop();
      }
    });

    it("a ctx of workspace A cannot read or change B's key limits: not_found, B unchanged, nothing evicted", async () => {
      await setKeyLimits(b.owner, b.key.id, { rpm: 5 });
      const before = await db().apiKey.findUnique({ where: { id: b.key.id } });
      listener.seen.length = 0;
      await expect(setKeyLimits(a.owner, b.key.id, { rpm: 1_000_000, tpm: null })).rejects.toMatchObject({
        code: "not_found",
      });
      await expect(getKeyLimits(a.owner, b.key.id)).rejects.toMatchObject({ code: "not_found" });
      expect(await db().apiKey.findUnique({ where: { id: b.key.id } })).toEqual(before);
      expect(listener.seen).toEqual([]);
    });

    it("members and viewers cannot change limits or the cache: permission_denied, nothing changed", async () => {
      const key = await db().apiKey.findUnique({ where: { id: a.key.id } });
      const tenant = await db().tenant.findUnique({ where: { id: a.tenant.id } });
      for (const ctx of [a.member, a.viewer]) {
        await expect(setKeyLimits(ctx, a.key.id, { rpm: 1 })).rejects.toMatchObject({
          code: "permission_denied",
        });
        await expect(setWorkspaceLimits(ctx, { cacheEnabled: true })).rejects.toMatchObject({
          code: "permission_denied",
        });
      }
      expect(await db().apiKey.findUnique({ where: { id: a.key.id } })).toEqual(key);
      expect(await db().tenant.findUnique({ where: { id: a.tenant.id } })).toEqual(tenant);
    });

    it("an admin sets the workspace's limits and cache; every live key of that workspace is evicted", async () => {
      const { key: second } = await createApiKey(a.admin, { name: "second" });
      const { key: revoked, record } = await createApiKey(a.admin, { name: "revoked" });
      await revokeApiKey(a.admin, record.id);
      const bBefore = await db().tenant.findUnique({ where: { id: b.tenant.id } });
      listener.seen.length = 0;

      const out = await setWorkspaceLimits(a.admin, {
        rpm: 600,
        tpm: 100_000,
        cacheEnabled: true,
        cacheTtlSeconds: 120,
      });
      expect(out).toEqual({ rpmLimit: 600, tpmLimit: 100_000, cacheEnabled: true, cacheTtlSeconds: 120 });
      expect(listener.seen.sort()).toEqual([a.key.hash, hashApiKey(second)].sort());
      expect(listener.seen).not.toContain(hashApiKey(revoked));
      // What the relay loads for the key now.
      const loaded = await createDbKeyLoader(() => db())(a.key.hash);
      expect(loaded!.ctx.tenant).toMatchObject({
        rpmLimit: 600,
        tpmLimit: 100_000,
        cacheEnabled: true,
        cacheTtlSeconds: 120,
      });

      expect(await setWorkspaceLimits(a.owner, { rpm: null })).toMatchObject({
        rpmLimit: null,
        tpmLimit: 100_000,
      });
      expect(await getWorkspaceLimits(a.viewer)).toMatchObject({ rpmLimit: null, cacheEnabled: true });
      expect(await db().tenant.findUnique({ where: { id: b.tenant.id } })).toEqual(bBefore);
    });

    it("refuses a cache TTL outside 1..86400 seconds and a limit below 1, naming the field", async () => {
      for (const [input, param] of [
        [{ cacheTtlSeconds: 0 }, "cacheTtlSeconds"],
        [{ cacheTtlSeconds: 86_401 }, "cacheTtlSeconds"],
        [{ rpm: 0 }, "rpm"],
      ] as const) {
        const err = await setWorkspaceLimits(a.admin, input).catch((e: unknown) => e);
        expect(toErrorResponse(err)).toMatchObject({ status: 400, body: { error: { param } } });
      }
      expect(await getWorkspaceLimits(a.admin)).toMatchObject({ cacheTtlSeconds: 120 });
    });
  });
});
