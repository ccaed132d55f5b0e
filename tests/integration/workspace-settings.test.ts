// The routing editor's, providers page's and settings page's lib functions against real databases: workspace
// settings (time zone, region, retention) with roles, audit and their effect on routing; the deployment list with
// prices and live health; the operator's enable/disable switch; deleting a workspace by its slug. Route handlers
// only validate and call these functions; withWorkspace turns a non-member into a 404 through getTenantCtx.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalog, type Catalog } from "@/lib/catalog/catalog";
import { CatalogConfig, loadCatalogConfig } from "@/lib/catalog/config";
import { listWorkspaceDeployments, setDeploymentEnabled } from "@/lib/catalog/deployments";
import { CatalogRuntime, setProcessCatalog } from "@/lib/catalog/runtime";
import { toErrorResponse } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { describeWorkspaceRouting, explainRoute } from "@/lib/routing/explain";
import { HealthTracker } from "@/lib/routing/health";
import { PolicyCache, POLICY_CHANNEL, saveWorkspacePolicy } from "@/lib/routing/policies";
import { createMemoryStore } from "@/lib/store";
import { getTenantCtx } from "@/lib/tenancy/context";
import { getWorkspaceSettings, updateWorkspaceSettings } from "@/lib/tenancy/settings";
import { deleteWorkspace } from "@/lib/tenancy/workspaces";
import { describeEachDatabase } from "./helpers/db";
import { createTeam, createUser } from "./helpers/team";

const MODEL = "ws-chat";
describeEachDatabase("workspace settings, providers and routing constraints", (getDb) => {
  const db = () => getDb().prisma;
  const masterKey = randomBytes(32);
  let catalog: Catalog;
  let dep: { us: string; eu: string };
  let a: Awaited<ReturnType<typeof createTeam>>;
  let b: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    const config = CatalogConfig.parse({
      providers: [
        { name: "ws-us", protocol: "openai", baseUrl: "http://127.0.0.1:9/v1", region: "us-east" },
        {
          name: "ws-eu",
          protocol: "openai",
          baseUrl: "http://127.0.0.1:9/v1",
          region: "eu-west",
          noDataRetention: true,
        },
      ],
      models: [
        {
          name: MODEL,
          deployments: [
            { provider: "ws-us", upstreamModel: "us-m", prices: { input: "5", output: "15" } },
            { provider: "ws-eu", upstreamModel: "eu-m", priority: 1, prices: { input: "1", output: "2" } },
          ],
        },
      ],
    });
    await loadCatalogConfig(db(), config, masterKey, { demo: false });
    catalog = await loadCatalog(db(), masterKey);
    const ids = catalog.resolve(MODEL)!.deployments.map((d) => d.id);
    dep = { us: ids[0]!, eu: ids[1]! };
    a = await createTeam(db(), "a");
    b = await createTeam(db(), "b");
  });

  describe("settings", () => {
    it("any member reads the defaults", async () => {
      for (const ctx of [a.viewer, a.member, a.owner])
        expect(await getWorkspaceSettings(ctx)).toEqual({
          timeZone: "UTC",
          region: null,
          storeBodies: false,
          bodyRetentionDays: 7,
          zeroDataRetention: false,
        });
    });

    it("admins change them, audited field by field, and routing changes are broadcast", async () => {
      const store = createMemoryStore();
      const announced: string[] = [];
      await store.subscribe(POLICY_CHANNEL, (m) => announced.push(m));

      const after = await updateWorkspaceSettings(
        a.admin,
        { timeZone: "Europe/Paris", region: " EU ", storeBodies: true, bodyRetentionDays: 30 },
        store,
      );
      expect(after).toEqual({
        timeZone: "Europe/Paris",
        region: "eu",
        storeBodies: true,
        bodyRetentionDays: 30,
        zeroDataRetention: false,
      });
      expect(await getWorkspaceSettings(a.viewer)).toEqual(after);
      expect(announced).toEqual([a.tenant.id]);

      const audit = await db().auditLog.findMany({
        where: { tenantId: a.tenant.id, action: "workspace.settings" },
      });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorUserId: a.users.admin.id, target: a.tenant.id });
      expect(audit[0]!.details).toEqual({
        timeZone: { from: "UTC", to: "Europe/Paris" },
        region: { from: null, to: "eu" },
        storeBodies: { from: false, to: true },
        bodyRetentionDays: { from: 7, to: 30 },
      });

      // Nothing changed: no audit entry, no broadcast.
      await updateWorkspaceSettings(a.owner, { timeZone: "Europe/Paris" }, store);
      expect(
        await db().auditLog.count({ where: { tenantId: a.tenant.id, action: "workspace.settings" } }),
      ).toBe(1);
      // A time zone alone does not touch routing.
      await updateWorkspaceSettings(a.owner, { timeZone: "America/New_York" }, store);
      expect(announced).toEqual([a.tenant.id]);
    });

    it("zero data retention turns storing bodies off, and storing bodies is refused while it is on", async () => {
      const on = await updateWorkspaceSettings(a.admin, { zeroDataRetention: true });
      expect(on).toMatchObject({ zeroDataRetention: true, storeBodies: false });
      const refused = await updateWorkspaceSettings(a.admin, { storeBodies: true }).catch((e: unknown) => e);
      expect(toErrorResponse(refused)).toMatchObject({
        status: 400,
        body: { error: { param: "storeBodies" } },
      });
      // Both at once: turning retention off allows storing again.
      expect(
        await updateWorkspaceSettings(a.admin, { zeroDataRetention: false, storeBodies: true }),
      ).toMatchObject({
        zeroDataRetention: false,
        storeBodies: true,
      });
    });

    it("validates every field on the server, naming it", async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ timeZone: "Mars/Olympus" }, "timeZone"],
        [{ timeZone: 3 }, "timeZone"],
        [{ region: "eu west" }, "region"],
        [{ bodyRetentionDays: 0 }, "bodyRetentionDays"],
        [{ bodyRetentionDays: 91 }, "bodyRetentionDays"],
        [{ bodyRetentionDays: 1.5 }, "bodyRetentionDays"],
        [{ storeBodies: "yes" }, "storeBodies"],
        [{ color: "red" }, ""],
      ];
      for (const [input, param] of cases) {
        const err = await updateWorkspaceSettings(a.admin, input as never).catch((e: unknown) => e);
        const { status, body } = toErrorResponse(err);
        expect(status, JSON.stringify(input)).toBe(400);
        if (param) expect(body.error.param).toBe(param);
      }
      expect(await getWorkspaceSettings(a.admin)).toMatchObject({
        timeZone: "America/New_York",
        bodyRetentionDays: 30,
      });
    });

    it("members and viewers cannot change settings; nothing is written", async () => {
      const before = await getWorkspaceSettings(a.owner);
      for (const ctx of [a.member, a.viewer])
        await expect(updateWorkspaceSettings(ctx, { timeZone: "Asia/Tokyo" })).rejects.toMatchObject({
          code: "permission_denied",
        });
      expect(await getWorkspaceSettings(a.owner)).toEqual(before);
    });

    it("a member of another workspace gets a 404, like a workspace that does not exist", async () => {
      const err = await getTenantCtx(db(), b.users.admin.id, a.tenant.slug).catch((e: unknown) => e);
      expect(toErrorResponse(err).status).toBe(404);
    });
  });

  describe("routing constraints from settings", () => {
    const explain = (tenantId: string, body: unknown = { model: MODEL }) =>
      explainRoute({ db: db(), tenantId, catalog, health: new HealthTracker(), body });

    it("the region narrows every route; zero data retention keeps only providers that retain nothing", async () => {
      expect((await explain(b.tenant.id)).tryOrder).toEqual([dep.us, dep.eu]);

      await updateWorkspaceSettings(b.admin, { region: "eu" });
      const eu = await explain(b.tenant.id);
      expect(eu.tryOrder).toEqual([dep.eu]);
      expect(eu.models[0]!.region).toEqual(["eu"]);
      expect(eu.models[0]!.deployments[1]).toMatchObject({
        deploymentId: dep.us,
        reason: "region us-east not in [eu]",
      });

      // The region narrows the workspace's own policy too: it can never widen past the setting.
      await saveWorkspacePolicy(b.admin, { region: ["us"] });
      expect(toErrorResponse(await explain(b.tenant.id).catch((e: unknown) => e)).status).toBe(403);

      await saveWorkspacePolicy(b.admin, { rules: [] });
      await updateWorkspaceSettings(b.admin, { region: null, zeroDataRetention: true });
      const zdr = await explain(b.tenant.id);
      expect(zdr.tryOrder).toEqual([dep.eu]);
      expect(zdr.models[0]!.deployments[1]!.reason).toMatch(/may retain data/);

      await updateWorkspaceSettings(b.admin, { region: "us" });
      const none = toErrorResponse(await explain(b.tenant.id).catch((e: unknown) => e));
      expect(none.status).toBe(403);

      await updateWorkspaceSettings(b.admin, { region: null, zeroDataRetention: false });
      expect((await explain(b.tenant.id)).tryOrder).toEqual([dep.us, dep.eu]);
    });

    it("the relay's policy cache carries the constraints and drops them when a change is broadcast", async () => {
      const store = createMemoryStore();
      const cache = new PolicyCache(async () => db(), 60_000);
      await cache.start(store);
      try {
        expect((await cache.get(b.tenant.id)).workspace).toEqual({ region: null, zeroDataRetention: false });
        await updateWorkspaceSettings(b.admin, { region: "eu" }, store);
        expect((await cache.get(b.tenant.id)).workspace).toEqual({ region: "eu", zeroDataRetention: false });
      } finally {
        await cache.stop();
        await updateWorkspaceSettings(b.admin, { region: null });
      }
    });
  });

  describe("policy history", () => {
    it("lists each version's document for the editor's diff", async () => {
      const doc = { rules: [{ match: MODEL, strategy: { type: "lowest-cost" } }] };
      await saveWorkspacePolicy(a.admin, doc, "cheap");
      const r = await describeWorkspaceRouting(a.viewer);
      expect(r.versions[0]).toMatchObject({ note: "cheap", document: doc });
    });
  });

  describe("providers and health", () => {
    it("lists the deployments with prices in force, live health and history; members cannot toggle", async () => {
      const health = new HealthTracker();
      for (let i = 0; i < 6; i++)
        health.observe({ deploymentId: dep.us, ok: true, ttftMs: 120, totalMs: 300 });
      health.observe({ deploymentId: dep.us, ok: false, errorClass: "5xx" });
      const out = await listWorkspaceDeployments(b.viewer, { catalog, health }); // b: no region setting
      expect(out.canToggle).toBe(false);
      expect(out.deployments.map((d) => d.id)).toEqual([dep.us, dep.eu]);
      const [us, eu] = out.deployments;
      const priced = catalog.resolve(MODEL)!.deployments[0]!.prices;
      expect(us).toMatchObject({
        provider: "ws-us",
        region: "us-east",
        enabled: true,
        excludedBy: null,
        prices: { input: priced.input.toString(), output: priced.output.toString() },
      });
      expect(us!.health).toMatchObject({ seen: true, circuit: "closed", p50TtftMs: 120 });
      expect(us!.health.errorRates["5xx"]).toBeGreaterThan(0);
      expect(us!.history.at(-1)).toMatchObject({ requests: 7, failures: 1, avgMs: 120 });
      expect(eu!.health).toMatchObject({ seen: false, circuit: "closed" });
    });

    it("marks deployments the workspace's settings exclude", async () => {
      await updateWorkspaceSettings(b.admin, { region: "eu" });
      try {
        const out = await listWorkspaceDeployments(b.member, { catalog, health: new HealthTracker() });
        expect(out.constraints.region).toBe("eu");
        expect(out.deployments.find((d) => d.id === dep.us)!.excludedBy).toMatch(
          /outside the workspace's region eu/,
        );
        expect(out.deployments.find((d) => d.id === dep.eu)!.excludedBy).toBeNull();
      } finally {
        await updateWorkspaceSettings(b.admin, { region: null });
      }
    });

    it("only the platform operator enables or disables a deployment; audited, catalog reloaded", async () => {
      for (const ctx of [a.owner, a.admin])
        await expect(
          setDeploymentEnabled(db(), { userId: ctx.user!.id }, dep.us, false),
        ).rejects.toMatchObject({
          code: "permission_denied",
        });
      expect((await db().deployment.findUnique({ where: { id: dep.us } }))!.enabled).toBe(true);

      const operator = await createUser(db(), "operator", true);
      await db().membership.create({
        data: { id: newId("mbr"), tenantId: a.tenant.id, userId: operator.id, role: "viewer" },
      });
      const opCtx = await getTenantCtx(db(), operator.id, a.tenant.slug);
      const runtime = new CatalogRuntime(async () => db(), masterKey);
      await runtime.refresh();
      setProcessCatalog(runtime);
      try {
        await expect(
          setDeploymentEnabled(db(), { userId: operator.id }, "dep_missing", false),
        ).rejects.toMatchObject({
          code: "not_found",
        });
        expect(await setDeploymentEnabled(db(), { userId: operator.id }, dep.us, false)).toEqual({
          id: dep.us,
          enabled: false,
        });
        expect(
          runtime
            .get()
            .resolve(MODEL)!
            .deployments.map((d) => d.id),
        ).toEqual([dep.eu]);
        expect(
          await db().auditLog.findFirst({ where: { action: "deployment.disable", target: dep.us } }),
        ).toMatchObject({
          actorUserId: operator.id,
          tenantId: null,
        });

        // The operator still sees it (disabled) to switch it back on; members no longer see it.
        const asOperator = await listWorkspaceDeployments(opCtx, { health: new HealthTracker() });
        expect(asOperator.canToggle).toBe(true);
        expect(asOperator.deployments.find((d) => d.id === dep.us)).toMatchObject({ enabled: false });
        const asMember = await listWorkspaceDeployments(a.member, { health: new HealthTracker() });
        expect(asMember.deployments.map((d) => d.id)).toEqual([dep.eu]);

        await setDeploymentEnabled(db(), { userId: operator.id }, dep.us, true);
        expect(
          runtime
            .get()
            .resolve(MODEL)!
            .deployments.map((d) => d.id),
        ).toEqual([dep.us, dep.eu]);
        expect(
          await db().auditLog.count({ where: { target: dep.us, action: { startsWith: "deployment." } } }),
        ).toBe(2);
      } finally {
        delete (globalThis as Record<symbol, unknown>)[Symbol.for("switchyard.catalog")];
      }
    });
  });

  describe("deleting a workspace", () => {
    it("owners only, confirmed by the slug, audited after the workspace is gone", async () => {
      const c = await createTeam(db(), "c");
      await expect(deleteWorkspace(c.admin, c.tenant.slug)).rejects.toMatchObject({
        code: "permission_denied",
      });
      await expect(deleteWorkspace(c.owner, c.tenant.name)).rejects.toMatchObject({
        code: "invalid_request",
        param: "confirm",
      });
      await deleteWorkspace(c.owner, c.tenant.slug);
      expect(await db().tenant.findUnique({ where: { id: c.tenant.id } })).toBeNull();
      expect(
        await db().auditLog.findFirst({ where: { tenantId: c.tenant.id, action: "workspace.delete" } }),
      ).toMatchObject({
        actorUserId: c.users.owner.id,
        details: { slug: c.tenant.slug },
      });
    });
  });
});
