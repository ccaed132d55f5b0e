// Master-key rotation (lib/master-key-rotation.ts) on both databases: rows re-sealed under the new key, readable
// during a rolling restart through MASTER_KEY_PREVIOUS, and a wrong old key changes nothing.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadCatalog } from "@/lib/catalog/catalog";
import { loadCatalogConfig } from "@/lib/catalog/config";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { resetEnvCache } from "@/lib/env";
import { rotateMasterKey } from "@/lib/master-key-rotation";
import { getSecrets, resetSecretsCache } from "@/lib/secrets";
import { createTestDatabase, describeEachDatabase } from "./helpers/db";
import { relayCatalog } from "./helpers/relay";

const sealedKeys = async (db: Parameters<typeof rotateMasterKey>[0]) =>
  (await db.provider.findMany({ orderBy: { name: "asc" } })).map((p) => [p.name, p.apiKeyEncrypted]);

describeEachDatabase("master-key rotation", (getDb) => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const db = () => getDb().prisma;

  beforeEach(async () => {
    await db().deployment.deleteMany();
    await db().provider.deleteMany();
    await loadCatalogConfig(db(), relayCatalog("http://127.0.0.1:1", "http://127.0.0.1:2"), oldKey, {
      demo: false,
    });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvCache();
    resetSecretsCache();
  });

  it("re-seals every provider key under the new key; the old key no longer opens them", async () => {
    const before = await loadCatalog(db(), oldKey);
    const report = await rotateMasterKey(db(), { oldKeys: [oldKey], newKey });
    expect(report.rotated).toBe(5);
    expect(report.columns).toEqual([{ name: "Provider.apiKeyEncrypted", rows: 5 }]);
    const after = await loadCatalog(db(), newKey);
    const keysOf = (c: typeof before) =>
      Object.fromEntries(
        c.models.flatMap((m) => m.deployments.map((d) => [d.provider.name, d.provider.apiKey])),
      );
    expect(keysOf(after)).toEqual(keysOf(before));
    expect(keysOf(after)["fake-openai"]).toBe("sk-fake-openai");
    for (const [, sealed] of await sealedKeys(db())) expect(() => decryptSecret(sealed!, oldKey)).toThrow();
  });

  it("an instance started with MASTER_KEY=new and MASTER_KEY_PREVIOUS=old reads rows under either key", async () => {
    // Half the rows rotated (as if a provider was re-saved by an instance on the new key).
    const openai = await db().provider.findUniqueOrThrow({ where: { name: "fake-openai" } });
    const plain = decryptSecret(openai.apiKeyEncrypted!, oldKey);
    await db().provider.update({
      where: { id: openai.id },
      data: { apiKeyEncrypted: encryptSecret(plain, newKey) },
    });

    vi.stubEnv("MASTER_KEY", newKey.toString("hex"));
    vi.stubEnv("MASTER_KEY_PREVIOUS", oldKey.toString("base64"));
    vi.stubEnv("AUTH_SECRET", "test");
    resetEnvCache();
    resetSecretsCache();
    const { keyring, masterKey } = getSecrets();
    expect(masterKey.equals(newKey)).toBe(true);
    const catalog = await loadCatalog(db(), keyring);
    const names = catalog.models.flatMap((m) =>
      m.deployments.map((d) => [d.provider.name, d.provider.apiKey]),
    );
    expect(Object.fromEntries(names)).toMatchObject({
      "fake-openai": "sk-fake-openai",
      "fake-anthropic": "sk-ant-fake",
    });
    // Without the previous key the old rows do not open.
    await expect(loadCatalog(db(), newKey)).rejects.toThrow(/No master key opens this secret/);

    // Rotating with that keyring finishes the job.
    expect((await rotateMasterKey(db(), { oldKeys: keyring, newKey })).rotated).toBe(5);
    await expect(loadCatalog(db(), newKey)).resolves.toBeDefined();
  });

  it("a wrong old key aborts without changing any row", async () => {
    const before = await sealedKeys(db());
    const wrong = randomBytes(32);
    await expect(rotateMasterKey(db(), { oldKeys: [wrong], newKey })).rejects.toThrow(
      /does not open 5 secret\(s\).*nothing was changed/,
    );
    expect(await sealedKeys(db())).toEqual(before);
    // One unreadable row among readable ones also aborts everything.
    const p = await db().provider.findFirstOrThrow({ where: { name: "fake-gemini" } });
    await db().provider.update({ where: { id: p.id }, data: { apiKeyEncrypted: encryptSecret("x", wrong) } });
    const mixed = await sealedKeys(db());
    await expect(rotateMasterKey(db(), { oldKeys: [oldKey], newKey })).rejects.toThrow(/fake-gemini/);
    expect(await sealedKeys(db())).toEqual(mixed);
  });
});

describe("npm run cli -- secrets rotate-master-key, with the generated key file", () => {
  it("re-encrypts, rewrites DATA_DIR/secrets.json keeping the old key, and never prints a key", async () => {
    const db = await createTestDatabase("postgres");
    try {
      const oldKey = randomBytes(32);
      const newKey = randomBytes(32);
      const dataDir = mkdtempSync(path.join(tmpdir(), "sy-rotate-"));
      const file = path.join(dataDir, "secrets.json");
      writeFileSync(file, JSON.stringify({ authSecret: "a", masterKey: oldKey.toString("base64") }), {
        mode: 0o600,
      });
      await loadCatalogConfig(db.prisma, relayCatalog("http://127.0.0.1:1", "http://127.0.0.1:2"), oldKey, {
        demo: false,
      });
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url!, DATA_DIR: dataDir };
      delete env.MASTER_KEY;
      delete env.AUTH_SECRET;
      delete env.MASTER_KEY_PREVIOUS;
      const root = path.resolve(import.meta.dirname, "../..");
      const r = spawnSync(
        path.join(root, "node_modules/.bin/tsx"),
        ["scripts/cli.ts", "secrets", "rotate-master-key", "--new-key", newKey.toString("hex"), "--json"],
        { cwd: root, env, encoding: "utf8", timeout: 90_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { rotated: number; keyFile: boolean };
      expect(out).toMatchObject({ rotated: 5, keyFile: true });
      for (const k of [oldKey, newKey]) {
        expect(r.stdout + r.stderr).not.toContain(k.toString("hex"));
        expect(r.stdout + r.stderr).not.toContain(k.toString("base64"));
      }
      const saved = JSON.parse(readFileSync(file, "utf8")) as {
        masterKey: string;
        previousMasterKeys: string[];
      };
      expect(saved.masterKey).toBe(newKey.toString("base64"));
      expect(saved.previousMasterKeys).toEqual([oldKey.toString("base64")]);
      const catalog = await loadCatalog(db.prisma, newKey);
      expect(catalog.models.length).toBeGreaterThan(0);
    } finally {
      await db.drop();
    }
  });
});
