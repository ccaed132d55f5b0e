// The price book and markups against real databases: price versions (now and scheduled) as the relay's catalog
// sees them, the refusals, the audit trail, and markups CRUD including duplicate platform (NULL-tenant) rows,
// which PostgreSQL's unique index does not prevent.
import { randomBytes } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadCatalog } from "@/lib/catalog/catalog";
import { CatalogConfig, loadCatalogConfig } from "@/lib/catalog/config";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { loadModelMarkups, resolveMarkupBps } from "@/lib/billing/markup";
import { listMarkups, setModelMarkup, setPlatformMarkup, setWorkspaceMarkup } from "@/lib/billing/markups";
import { listPriceBook, priceInputFromForm, setPrice } from "@/lib/billing/price-book";
import { loadBillingSettings } from "@/lib/billing/settings";
import { CLI_OPERATOR, getOperatorForUser, type OperatorCtx } from "@/lib/tenancy/operator-ctx";
import { createWorkspace } from "@/lib/tenancy/workspaces";
import { describeEachDatabase } from "./helpers/db";

const MODEL = "pb-chat";
const M = 1_000_000n;

async function expectAppError(p: Promise<unknown>, code: string, param?: string) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  if (param) expect((err as AppError).param).toBe(param);
}

describeEachDatabase("price book and markups", (getDb) => {
  const db = (): Db => getDb().prisma;
  const masterKey = randomBytes(32);
  const config = CatalogConfig.parse({
    providers: [{ name: "pb-openai", protocol: "openai", baseUrl: "http://127.0.0.1:9/v1" }],
    models: [
      {
        name: MODEL,
        deployments: [{ provider: "pb-openai", upstreamModel: "pb-up", prices: { input: "1", output: "2" } }],
      },
      { name: "pb-other", deployments: [{ provider: "pb-openai", upstreamModel: "gpt-4o-mini" }] },
    ],
  });
  let deploymentId: string;
  let modelId: string;
  let op: OperatorCtx;

  const catalogPrices = async () =>
    (await loadCatalog(db(), masterKey)).resolve(MODEL)!.deployments.find((d) => d.id === deploymentId)!
      .prices;

  beforeAll(async () => {
    await loadCatalogConfig(db(), config, masterKey, { demo: false });
    const catalog = await loadCatalog(db(), masterKey);
    deploymentId = catalog.resolve(MODEL)!.deployments[0]!.id;
    modelId = catalog.resolve(MODEL)!.id;
    const admin = await db().user.create({
      data: { id: newId("usr"), email: `pb-admin-${Date.now()}@example.test`, isPlatformAdmin: true },
    });
    op = await getOperatorForUser(db(), admin.id);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe("operator ctx", () => {
    it("exists only for platform admins (404 otherwise)", async () => {
      const user = await db().user.create({
        data: { id: newId("usr"), email: `pb-user-${Date.now()}@example.test` },
      });
      await expectAppError(getOperatorForUser(db(), user.id), "not_found");
      await expectAppError(getOperatorForUser(db(), "usr_missing"), "not_found");
      expect(op.user?.id).toMatch(/^usr_/);
    });
  });

  describe("prices", () => {
    it("lists every deployment with the config's and the price data's versions", async () => {
      const book = await listPriceBook(db());
      const mine = book.find((r) => r.deploymentId === deploymentId)!;
      expect(mine.model.name).toBe(MODEL);
      expect(mine.provider.name).toBe("pb-openai");
      expect(mine.current).toMatchObject({
        input: 1n * M,
        cachedInput: 1n * M,
        output: 2n * M,
        source: "config",
      });
      expect(mine.next).toBeNull();
      expect(mine.history).toHaveLength(1);
      const other = book.find((r) => r.model.name === "pb-other")!;
      expect(other.current).toMatchObject({ input: 150_000n, cachedInput: 75_000n, output: 600_000n });
      expect(other.current!.source).toMatch(/^price-data \d{4}-\d{2}-\d{2}$/);
      expect((await listPriceBook(db(), { model: "pb-other" })).map((r) => r.model.name)).toEqual([
        "pb-other",
      ]);
    });

    it("applies a new version at once: the catalog charges it after its next reload", async () => {
      const { version, scheduled } = await setPrice(db(), op, {
        deploymentId,
        prices: { input: 3n * M, output: 9n * M, cacheWrite: 4n * M },
      });
      expect(scheduled).toBe(false);
      expect(version).toMatchObject({
        input: 3n * M,
        cachedInput: 3n * M,
        cacheWrite: 4n * M,
        output: 9n * M,
      });
      expect(version.source).toBe("operator");
      expect(version.createdById).toBe(op.user!.id);
      expect(await catalogPrices()).toEqual({
        input: 3n * M,
        cachedInput: 3n * M,
        cacheWrite: 4n * M,
        output: 9n * M,
      });

      const audit = await db().auditLog.findFirst({ where: { action: "price.set", target: deploymentId } });
      expect(audit).toMatchObject({ tenantId: null, actorUserId: op.user!.id });
      expect(audit!.details).toMatchObject({ model: MODEL, scheduled: false, prices: { input: "3000000" } });
    });

    it("schedules a future version: not charged until it starts, then in force", async () => {
      const start = new Date(Date.now() + 3_600_000);
      const { scheduled } = await setPrice(db(), CLI_OPERATOR, {
        deploymentId,
        prices: { input: 5n * M, cachedInput: 500_000n, output: 15n * M },
        effectiveFrom: start,
      });
      expect(scheduled).toBe(true);
      expect((await catalogPrices()).input).toBe(3n * M);

      const row = (await listPriceBook(db())).find((r) => r.deploymentId === deploymentId)!;
      expect(row.current!.input).toBe(3n * M);
      expect(row.next).toMatchObject({ input: 5n * M, effectiveFrom: start, createdById: null });
      expect(row.history.map((v) => v.input)).toEqual([5n * M, 3n * M, 1n * M]);

      // An hour later (the catalog reads the clock when it reloads).
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(start.getTime() + 1000);
      expect(await catalogPrices()).toEqual({
        input: 5n * M,
        cachedInput: 500_000n,
        cacheWrite: 5n * M,
        output: 15n * M,
      });
      const later = (await listPriceBook(db())).find((r) => r.deploymentId === deploymentId)!;
      expect(later.current!.input).toBe(5n * M);
      expect(later.next).toBeNull();
    });

    it("replaces a version scheduled at the same instant instead of adding another", async () => {
      const start = new Date(Date.now() + 7 * 86_400_000);
      await setPrice(db(), op, {
        deploymentId,
        prices: { input: 7n * M, output: 7n * M },
        effectiveFrom: start,
      });
      await setPrice(db(), op, {
        deploymentId,
        prices: { input: 8n * M, output: 8n * M },
        effectiveFrom: start,
      });
      const rows = await db().price.findMany({ where: { deploymentId, effectiveFrom: start } });
      expect(rows.map((r) => r.inputMicros)).toEqual([8n * M]);
    });

    it("refuses a start more than a minute in the past, but tolerates clock skew", async () => {
      await expectAppError(
        setPrice(db(), op, {
          deploymentId,
          prices: { input: 1n, output: 1n },
          effectiveFrom: new Date(Date.now() - 120_000),
        }),
        "invalid_request",
        "effectiveFrom",
      );
      const skewed = new Date(Date.now() - 30_000);
      const { version } = await setPrice(db(), op, {
        deploymentId,
        prices: { input: 3n * M, output: 9n * M },
        effectiveFrom: skewed,
      });
      expect(version.effectiveFrom).toEqual(skewed);
    });

    it("refuses negative prices and unknown deployments", async () => {
      await expect(setPrice(db(), op, { deploymentId, prices: { input: -1n, output: 1n } })).rejects.toThrow(
        /negative/,
      );
      await expectAppError(
        setPrice(db(), op, { deploymentId: "dep_missing", prices: { input: 1n, output: 1n } }),
        "not_found",
      );
      expect(() => priceInputFromForm({ deploymentId, input: "-1", output: "2" })).toThrow(
        /cannot be negative/,
      );
      expect(() => priceInputFromForm({ deploymentId, input: "1", output: "abc" })).toThrow(AppError);
      expect(
        priceInputFromForm({ deploymentId, input: "2.5", output: "10", cachedInput: "" }).prices,
      ).toEqual({
        input: 2_500_000n,
        cachedInput: undefined,
        cacheWrite: undefined,
        output: 10n * M,
      });
    });

    it("keeps the operator's price when the config is loaded again", async () => {
      const before = await catalogPrices();
      await loadCatalogConfig(db(), config, masterKey, { demo: false });
      expect(await catalogPrices()).toEqual(before);
    });
  });

  describe("markups", () => {
    it("sets the platform default within bounds, audited", async () => {
      expect(await setPlatformMarkup(db(), op, 1500)).toBe(1500);
      expect((await loadBillingSettings(db())).defaultMarkupBps).toBe(1500);
      for (const bad of [-1, 100_001, 1.5]) {
        await expectAppError(setPlatformMarkup(db(), op, bad), "invalid_request", "bps");
      }
      expect((await loadBillingSettings(db())).defaultMarkupBps).toBe(1500);
      const audit = await db().auditLog.findFirst({
        where: { action: "markup.platform.set" },
        orderBy: { createdAt: "desc" },
      });
      expect(audit!.details).toMatchObject({ after: 1500 });
    });

    it("sets and clears a workspace's markup", async () => {
      const owner = await db().user.create({
        data: { id: newId("usr"), email: `pb-o-${Date.now()}@example.test` },
      });
      const t = await createWorkspace(db(), owner.id, "Markup team");
      expect(await setWorkspaceMarkup(db(), op, t.id, 100_000)).toBe(100_000);
      expect((await db().tenant.findUnique({ where: { id: t.id } }))!.markupBps).toBe(100_000);
      expect((await listMarkups(db())).workspaces).toContainEqual({
        tenantId: t.id,
        slug: t.slug,
        name: t.name,
        markupBps: 100_000,
      });
      expect(await setWorkspaceMarkup(db(), op, t.id, null)).toBeNull();
      expect((await db().tenant.findUnique({ where: { id: t.id } }))!.markupBps).toBeNull();
      await expectAppError(setWorkspaceMarkup(db(), op, "tnt_missing", 10), "not_found");
      const audits = await db().auditLog.findMany({
        where: { action: "markup.workspace.set", tenantId: t.id },
      });
      expect(audits).toHaveLength(2);
    });

    it("creates, updates and removes per-model markups; the relay's map and precedence follow", async () => {
      const owner = await db().user.create({
        data: { id: newId("usr"), email: `pb-m-${Date.now()}@example.test` },
      });
      const t = await createWorkspace(db(), owner.id, "Model markup team");
      await setPlatformMarkup(db(), op, 1000);

      const resolve = async (tenantBps: number | null) =>
        resolveMarkupBps({
          tenantBps,
          platformDefaultBps: (await loadBillingSettings(db())).defaultMarkupBps,
          modelMarkups: await loadModelMarkups(db()),
          tenantId: t.id,
          modelId,
        });
      expect(await resolve(null)).toBe(1000);
      await setModelMarkup(db(), op, { tenantId: null, modelId, bps: 500 });
      expect(await resolve(null)).toBe(500);
      expect(await resolve(2000)).toBe(2000);
      await setModelMarkup(db(), op, { tenantId: t.id, modelId, bps: 50 });
      expect(await resolve(2000)).toBe(50);
      await setModelMarkup(db(), op, { tenantId: t.id, modelId, bps: 60 });
      expect(await db().modelMarkup.count({ where: { tenantId: t.id, modelId } })).toBe(1);
      expect(await resolve(2000)).toBe(60);

      const listed = (await listMarkups(db())).models.filter((m) => m.model.id === modelId);
      expect(listed.map((m) => [m.tenant?.id ?? null, m.model.name, m.markupBps])).toEqual([
        [null, MODEL, 500],
        [t.id, MODEL, 60],
      ]);

      await setModelMarkup(db(), op, { tenantId: t.id, modelId, bps: null });
      await setModelMarkup(db(), op, { tenantId: null, modelId, bps: null });
      expect(await db().modelMarkup.count({ where: { modelId } })).toBe(0);
      expect(await resolve(null)).toBe(1000);
      // Removing what is not there is harmless.
      await setModelMarkup(db(), op, { tenantId: null, modelId, bps: null });

      await expectAppError(
        setModelMarkup(db(), op, { tenantId: null, modelId: "mdl_missing", bps: 1 }),
        "not_found",
      );
      await expectAppError(
        setModelMarkup(db(), op, { tenantId: null, modelId, bps: 100_001 }),
        "invalid_request",
      );
      expect(await db().auditLog.count({ where: { action: "markup.model.set", target: modelId } })).toBe(6);
    });

    it("folds duplicate platform rows (NULL tenant, which the unique index allows) into one", async () => {
      // Two platform rows for one model: the unique (tenantId, modelId) index does not stop this.
      for (const bps of [111, 222]) {
        await db().modelMarkup.create({
          data: { id: newId("mku"), tenantId: null, modelId, markupBps: bps },
        });
      }
      expect(await db().modelMarkup.count({ where: { tenantId: null, modelId } })).toBe(2);
      await setModelMarkup(db(), op, { tenantId: null, modelId, bps: 333 });
      const rows = await db().modelMarkup.findMany({ where: { tenantId: null, modelId } });
      expect(rows.map((r) => r.markupBps)).toEqual([333]);
      expect((await loadModelMarkups(db())).get(`*:${modelId}`)).toBe(333);
    });

    it("never creates duplicate platform rows under concurrent writes", async () => {
      await setModelMarkup(db(), op, { tenantId: null, modelId, bps: null });
      await Promise.all(
        [1, 2, 3, 4, 5].map((n) => setModelMarkup(db(), op, { tenantId: null, modelId, bps: n * 100 })),
      );
      const rows = await db().modelMarkup.findMany({ where: { tenantId: null, modelId } });
      expect(rows).toHaveLength(1);
      expect([100, 200, 300, 400, 500]).toContain(rows[0]!.markupBps);
      await setModelMarkup(db(), op, { tenantId: null, modelId, bps: null });
    });
  });
});
