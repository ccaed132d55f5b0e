// The operator console's verbs (lib/admin) against real databases: providers with write-only encrypted keys and a
// real connection test against the fake upstream, models and deployments reaching the relay's catalog, credit
// posted through the ledger, the platform routing default, billing settings, the audit log, and the rule that
// every verb refuses anyone who is not a platform admin (checked over the registry, so a new verb is covered).
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import * as admin from "@/lib/admin";
import {
  OPERATOR_VERBS,
  createDeployment,
  createModel,
  createProvider,
  getOperatorCtxForUser,
  getPlatformRouting,
  getWorkspaceDetail,
  grantCredit,
  listAuditPage,
  listModels,
  listProviders,
  listWorkspaceOverview,
  promoteBootstrapAdmin,
  rollbackPlatformRouting,
  rotateProviderKey,
  savePlatformRouting,
  setPlatformAdmin,
  setProviderEnabled,
  testProviderConnection,
  updateBillingSettings,
  updateDeployment,
  updateProvider,
  type OperatorCtx,
} from "@/lib/admin";
import { checkLedger } from "@/lib/billing/ledger";
import { loadBillingSettings } from "@/lib/billing/settings";
import { CatalogRuntime, setProcessCatalog } from "@/lib/catalog/runtime";
import { decryptSecret } from "@/lib/crypto";
import type { Db } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { startFakeProviders, type FakeUpstream } from "@/lib/fake-upstream";
import { getSecrets, resetSecretsCache } from "@/lib/secrets";
import { createWorkspace } from "@/lib/tenancy/workspaces";
import { describeEachDatabase } from "./helpers/db";
import { createUser } from "./helpers/team";

const MASTER_KEY = "11".repeat(32);
const SECRET = "sk-live-very-secret-0123456789";
const HEADER_SECRET = "hdr-secret-value-42";
/** Makes names unique (providers, models). */
let counter = 0;

/** Whether `needle` occurs anywhere in `value` once serialized (BigInt-safe). */
function mentions(value: unknown, needle: string): boolean {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)).includes(
    needle,
  );
}

async function expectNotFound(p: Promise<unknown>) {
  await expect(p).rejects.toMatchObject({ code: "not_found" });
}

let fake: FakeUpstream;
beforeAll(async () => {
  process.env.MASTER_KEY = MASTER_KEY;
  process.env.AUTH_SECRET = "test-auth-secret";
  resetEnvCache();
  resetSecretsCache();
  fake = await startFakeProviders();
});
afterAll(async () => {
  await fake.close();
});

describeEachDatabase("operator console", (getDb) => {
  let db: Db;
  let op: OperatorCtx;
  beforeAll(async () => {
    db = getDb().prisma;
    op = await getOperatorCtxForUser(db, (await createUser(db, "operator", true)).id);
  });

  describe("providers", () => {
    it("creates a provider with its key encrypted at rest, never returned by any verb", async () => {
      const created = await createProvider(op, {
        name: `acme-${counter}`,
        protocol: "openai",
        baseUrl: `${fake.url}/v1/`,
        region: "eu-west",
        apiKey: SECRET,
        headers: { "x-org-token": HEADER_SECRET },
      });
      expect(created).toMatchObject({
        protocol: "openai",
        baseUrl: `${fake.url}/v1`,
        keySet: true,
        deployments: 0,
      });
      expect(created).not.toHaveProperty("apiKeyEncrypted");
      const row = await db.provider.findUniqueOrThrow({ where: { id: created.id } });
      expect(row.apiKeyEncrypted).not.toContain(SECRET);
      expect(decryptSecret(row.apiKeyEncrypted!, getSecrets().masterKey)).toBe(SECRET);

      const listed = await listProviders(op);
      const updated = await updateProvider(op, created.id, {
        name: created.name,
        protocol: "openai",
        baseUrl: `${fake.url}/v1`,
        region: "eu-central",
        headers: { "x-org-token": `${HEADER_SECRET}-2` },
      });
      const tested = await testProviderConnection(op, created.id);
      const rotated = await rotateProviderKey(op, created.id, { apiKey: "sk-another-secret-key" });
      for (const out of [created, listed, updated, tested, rotated]) {
        expect(mentions(out, SECRET)).toBe(false);
        expect(mentions(out, row.apiKeyEncrypted!)).toBe(false);
        expect(mentions(out, "sk-another-secret-key")).toBe(false);
        expect(mentions(out, HEADER_SECRET)).toBe(false);
      }
      expect(created.headerNames).toEqual(["x-org-token"]);
      expect(updated.region).toBe("eu-central");
      const audit = await db.auditLog.findMany({ where: { target: created.id } });
      expect(mentions(audit, SECRET)).toBe(false);
      expect(mentions(audit, HEADER_SECRET)).toBe(false);
      expect(audit.find((a) => a.action === "provider.update")?.details).toMatchObject({
        changed: { region: { from: "eu-west", to: "eu-central" } },
      });
      expect(audit.map((a) => a.action).sort()).toEqual(
        ["provider.create", "provider.rotate_key", "provider.test", "provider.update"].sort(),
      );
    });

    it("rotates the key: the new one is stored encrypted, and an empty key removes it", async () => {
      const p = await createProvider(op, {
        name: `rot-${counter++}`,
        protocol: "anthropic",
        baseUrl: fake.url,
      });
      expect(p.keySet).toBe(false);
      const after = await rotateProviderKey(op, p.id, { apiKey: "sk-ant-rotated" });
      expect(after.keySet).toBe(true);
      const row = await db.provider.findUniqueOrThrow({ where: { id: p.id } });
      expect(decryptSecret(row.apiKeyEncrypted!, getSecrets().masterKey)).toBe("sk-ant-rotated");
      expect((await rotateProviderKey(op, p.id, { apiKey: "" })).keySet).toBe(false);
      expect((await db.provider.findUniqueOrThrow({ where: { id: p.id } })).apiKeyEncrypted).toBeNull();
    });

    it("tests the connection per protocol against the fake upstream, and reports failures", async () => {
      const make = (protocol: "openai" | "anthropic" | "gemini", baseUrl: string, apiKey: string) =>
        createProvider(op, { name: `${protocol}-t-${counter++}`, protocol, baseUrl, apiKey });
      for (const p of [
        await make("openai", `${fake.url}/v1`, "sk-ok"),
        await make("anthropic", fake.url, "sk-ant"),
        await make("gemini", fake.url, "g-key"),
      ]) {
        const r = await testProviderConnection(op, p.id);
        expect(r, p.protocol).toMatchObject({ ok: true, status: 200, error: null });
        expect(r.models).toBeGreaterThan(0);
      }
      const badKey = await make("openai", `${fake.url}/v1`, "sk-invalid");
      expect(await testProviderConnection(op, badKey.id)).toMatchObject({ ok: false, status: 401 });
      expect((await testProviderConnection(op, badKey.id)).error).toMatch(/^HTTP 401: Incorrect API key/);
      const down = await make("openai", "http://127.0.0.1:9/v1", "k");
      expect(await testProviderConnection(op, down.id)).toMatchObject({ ok: false, status: null });
    });

    it("validates input and names the field; a duplicate name is a conflict", async () => {
      await expect(
        createProvider(op, { name: "bad name!", protocol: "openai", baseUrl: fake.url }),
      ).rejects.toMatchObject({
        issues: [expect.objectContaining({ path: ["name"] })],
      });
      await expect(
        createProvider(op, { name: "x", protocol: "soap", baseUrl: fake.url }),
      ).rejects.toMatchObject({
        issues: [expect.objectContaining({ path: ["protocol"] })],
      });
      await expect(
        createProvider(op, { name: "x", protocol: "openai", baseUrl: "ftp://x" }),
      ).rejects.toMatchObject({
        issues: [expect.objectContaining({ path: ["baseUrl"] })],
      });
      const name = `dup-${counter++}`;
      await createProvider(op, { name, protocol: "openai", baseUrl: fake.url });
      await expect(createProvider(op, { name, protocol: "openai", baseUrl: fake.url })).rejects.toMatchObject(
        {
          code: "conflict",
          param: "name",
        },
      );
    });
  });

  describe("models and deployments", () => {
    it("adds a model and a deployment that the relay's catalog serves after the reload, and disables it", async () => {
      const catalog = new CatalogRuntime(async () => db, getSecrets().masterKey, 60_000);
      setProcessCatalog(catalog);
      onTestFinished(() => setProcessCatalog(undefined as unknown as CatalogRuntime));
      const provider = await createProvider(op, {
        name: `cat-${counter++}`,
        protocol: "openai",
        baseUrl: `${fake.url}/v1`,
        apiKey: "k",
      });
      const model = await createModel(op, { name: `m-${counter++}`, aliases: [`alias-${counter}`] });
      const dep = await createDeployment(op, model.id, {
        providerId: provider.id,
        upstreamModel: "gpt-4o-mini",
        capabilities: ["tools"],
      });
      expect(dep.priceSource).toMatch(/^price-data/); // seeded from the shipped price data
      const inCatalog = () => catalog.get().models.find((m) => m.name === model.name);
      expect(inCatalog()?.deployments.map((d) => d.id)).toEqual([dep.id]);

      await updateDeployment(op, dep.id, { enabled: false });
      expect(inCatalog()?.deployments.filter((d) => d.id === dep.id) ?? []).toEqual([]);
      const listed = await listModels(op);
      expect(listed.find((m) => m.id === model.id)?.deployments[0]).toMatchObject({
        enabled: false,
        priority: 0,
      });

      await setProviderEnabled(op, provider.id, false);
      expect((await db.provider.findUniqueOrThrow({ where: { id: provider.id } })).enabled).toBe(false);
    });

    it("refuses a name or alias another model already uses", async () => {
      const a = await createModel(op, { name: `a-${counter++}` });
      await expect(createModel(op, { name: `b-${counter++}`, aliases: [a.name] })).rejects.toMatchObject({
        code: "conflict",
      });
    });
  });

  describe("workspaces and credit", () => {
    it("a grant posts exactly one entry, moves the balance, is audited, and a replay posts nothing", async () => {
      const owner = await createUser(db, "owner");
      const tenant = await createWorkspace(db, owner.id, "Credit Co");
      const before = await db.ledgerEntry.count({ where: { tenantId: tenant.id } });
      const out = await grantCredit(op, tenant.id, {
        amountUsd: "25.50",
        kind: "grant",
        note: "Launch promo",
        requestId: "req-grant-0001",
      });
      expect(out).toMatchObject({ posted: true, balanceMicros: 25_500_000n });
      expect(await db.ledgerEntry.count({ where: { tenantId: tenant.id } })).toBe(before + 1);
      const entry = await db.ledgerEntry.findFirstOrThrow({ where: { tenantId: tenant.id } });
      expect(entry).toMatchObject({ kind: "grant", amountMicros: 25_500_000n, createdById: op.user.id });

      const replay = await grantCredit(op, tenant.id, {
        amountUsd: "25.50",
        kind: "grant",
        note: "Launch promo",
        requestId: "req-grant-0001",
      });
      expect(replay.posted).toBe(false);
      await grantCredit(op, tenant.id, {
        amountUsd: "-0.5",
        kind: "adjustment",
        note: "Goodwill correction",
      });
      expect(await db.ledgerEntry.count({ where: { tenantId: tenant.id } })).toBe(before + 2);
      expect(await checkLedger(db)).toEqual([]);

      const detail = await getWorkspaceDetail(op, tenant.slug);
      expect(detail.balanceMicros).toBe(25_000_000n);
      expect(detail.entries.map((e) => e.amountMicros)).toEqual([-500_000n, 25_500_000n]);
      const audit = await db.auditLog.findMany({
        where: { tenantId: tenant.id },
        orderBy: { createdAt: "asc" },
      });
      expect(audit.map((a) => [a.action, a.actorUserId])).toEqual([
        ["credit.grant", op.user.id],
        ["credit.adjust", op.user.id],
      ]);
    });

    it("refuses a zero amount, a negative grant and a missing note", async () => {
      const tenant = await createWorkspace(db, (await createUser(db, "o")).id, "Refusals");
      for (const input of [
        { amountUsd: "0", note: "nothing at all" },
        { amountUsd: "-5", kind: "grant", note: "negative promo" },
        { amountUsd: "5", note: "" },
        { amountUsd: "5.1234567", note: "too precise" },
      ]) {
        await expect(grantCredit(op, tenant.id, input)).rejects.toHaveProperty("issues");
      }
      expect(await db.ledgerEntry.count({ where: { tenantId: tenant.id } })).toBe(0);
    });

    it("lists workspaces with members, balance, reserved and this month's spend (UTC) from the rollups", async () => {
      const owner = await createUser(db, "spender");
      const tenant = await createWorkspace(db, owner.id, "Spender");
      const now = new Date(Date.UTC(2026, 10, 15, 12));
      const roll = (hour: Date, costMicros: bigint) =>
        db.usageRollup.create({
          data: {
            tenantId: tenant.id,
            hour,
            apiKeyId: "",
            modelId: "",
            requestedModel: "m",
            providerId: "",
            deploymentId: "",
            requests: 1,
            costMicros,
          },
        });
      await roll(new Date(Date.UTC(2026, 9, 31, 23)), 7_000_000n); // last month: not counted
      await roll(new Date(Date.UTC(2026, 10, 1, 0)), 1_000_000n);
      await roll(new Date(Date.UTC(2026, 10, 14, 9)), 2_500_000n);
      const row = (await listWorkspaceOverview(op, { q: tenant.slug }, now)).find((w) => w.id === tenant.id)!;
      expect(row).toMatchObject({
        members: 1,
        balanceMicros: 0n,
        reservedMicros: 0n,
        spendThisMonthMicros: 3_500_000n,
      });
      expect(row.lastActivityAt).toEqual(new Date(Date.UTC(2026, 10, 14, 9)));
    });
  });

  describe("routing default, settings and audit log", () => {
    it("saves the platform policy (invalid ones refused with the issue), lists versions and rolls back", async () => {
      await expect(
        savePlatformRouting(op, { document: { rules: [{ match: "*", strategy: { type: "nope" } }] } }),
      ).rejects.toMatchObject({
        code: "invalid_request",
        param: expect.stringContaining("rules[0].strategy"),
      });
      const v1 = await savePlatformRouting(op, { document: { rules: [{ match: "*" }] }, note: "first" });
      const v2 = await savePlatformRouting(op, { document: { rules: [{ match: "*" }], region: ["eu"] } });
      expect(v2.version).toBe(v1.version + 1);
      const back = await rollbackPlatformRouting(op, v1.version);
      const state = await getPlatformRouting(op);
      expect(state.versions[0]).toMatchObject({ version: back.version, createdBy: op.user.email });
      expect(state.policy?.region).toBeUndefined();
    });

    it("saves billing settings with cross-field checks", async () => {
      const form = {
        signupCreditUsd: "2.50",
        defaultHoldOutputTokens: 2048,
        topUpPresetsUsd: [10, 20],
        topUpMinUsd: 10,
        topUpMaxUsd: 500,
      };
      await updateBillingSettings(op, form);
      expect(await loadBillingSettings(db)).toMatchObject({
        signupCreditMicros: 2_500_000n,
        defaultHoldOutputTokens: 2048,
        topUp: { presetsUsd: [10, 20], minUsd: 10, maxUsd: 500 },
      });
      await expect(updateBillingSettings(op, { ...form, topUpMinUsd: 600 })).rejects.toHaveProperty("issues");
      await expect(updateBillingSettings(op, { ...form, topUpPresetsUsd: [5] })).rejects.toHaveProperty(
        "issues",
      );
    });

    it("pages the audit log by cursor and filters by workspace and action", async () => {
      const tenant = await createWorkspace(db, (await createUser(db, "aud")).id, "Audited");
      for (let i = 0; i < 5; i++) {
        await grantCredit(op, tenant.id, { amountUsd: "1", kind: "grant", note: `grant ${i}` });
      }
      const first = await listAuditPage(op, { workspace: tenant.slug, take: 2 });
      expect(first.rows).toHaveLength(2);
      const seen = [...first.rows];
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await listAuditPage(op, { workspace: tenant.slug, take: 2, cursor });
        seen.push(...page.rows);
        cursor = page.nextCursor;
      }
      expect(seen.map((r) => r.details)).toHaveLength(5);
      expect(new Set(seen.map((r) => r.id)).size).toBe(5);
      expect(seen.every((r) => r.workspace === tenant.slug && r.actor === op.user.email)).toBe(true);
      expect((await listAuditPage(op, { action: "credit." })).rows.length).toBeGreaterThanOrEqual(5);
      expect(
        (await listAuditPage(op, { action: "provider.create" })).rows.every(
          (r) => r.action === "provider.create",
        ),
      ).toBe(true);
    });
  });

  describe("platform admins only", () => {
    it("every declared verb refuses a signed-in non-admin with a 404, and writes no audit row", async () => {
      const outsider = await createUser(db, "outsider");
      const fakeOp: OperatorCtx = { db, user: { id: outsider.id, email: outsider.email } };
      const auditBefore = await db.auditLog.count();
      expect(OPERATOR_VERBS.size).toBeGreaterThanOrEqual(20);
      for (const [name, verb] of OPERATOR_VERBS) {
        await expect(verb.fn(fakeOp), name).rejects.toMatchObject({ code: "not_found" });
      }
      expect(await db.auditLog.count()).toBe(auditBefore);
      await expectNotFound(getOperatorCtxForUser(db, outsider.id));
    });

    it("a revoked admin loses access on the next call, whatever ctx they hold", async () => {
      const user = await createUser(db, "revoked", true);
      const held = await getOperatorCtxForUser(db, user.id);
      await listProviders(held);
      await setPlatformAdmin(db, user.email, false);
      await expectNotFound(listProviders(held));
    });

    it("every exported function of lib/admin is a declared verb or a known helper", () => {
      const helpers = new Set([
        "getOperatorCtxForUser",
        "isPlatformAdmin",
        "defineQuery",
        "defineAction",
        "setPlatformAdmin",
        "promoteBootstrapAdmin",
        "modelsRequestFor",
        "monthStartUtc",
        "encodeCursor",
        "decodeCursor",
      ]);
      const verbs = new Set([...OPERATOR_VERBS.values()].map((v) => v.fn));
      const stray = Object.entries(admin)
        .filter(
          ([name, value]) => typeof value === "function" && !verbs.has(value as never) && !helpers.has(name),
        )
        .filter(([name]) => !/^[A-Z]/.test(name)) // zod schemas
        .map(([name]) => name);
      expect(stray).toEqual([]);
    });

    it("promotes the bootstrap admin only while there is no platform admin", async () => {
      const user = await createUser(db, "boot");
      // This database already has admins (the operator above): the variable mints no second one.
      expect(await promoteBootstrapAdmin(db, user, user.email)).toBe(false);
      await db.user.updateMany({ where: { isPlatformAdmin: true }, data: { isPlatformAdmin: false } });
      expect(await promoteBootstrapAdmin(db, user, "someone-else@example.test")).toBe(false);
      expect(await promoteBootstrapAdmin(db, user, user.email.toUpperCase())).toBe(true);
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).isPlatformAdmin).toBe(true);
      expect(await db.auditLog.count({ where: { action: "operator.bootstrap", target: user.id } })).toBe(1);
      await db.user.update({ where: { id: op.user.id }, data: { isPlatformAdmin: true } });
    });
  });
});
