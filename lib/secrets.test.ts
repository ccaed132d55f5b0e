import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "./env";
import { getSecrets, parseMasterKey, resetSecretsCache } from "./secrets";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
  resetSecretsCache();
});

function useDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sy-secrets-"));
  process.env.DATA_DIR = dir;
  delete process.env.AUTH_SECRET;
  delete process.env.NEXTAUTH_SECRET;
  delete process.env.MASTER_KEY;
  resetEnvCache();
  resetSecretsCache();
  return dir;
}

describe("generated secrets", () => {
  it("are written once, mode 0600, and reused on the next start", () => {
    const dir = useDataDir();
    const first = getSecrets();
    const file = path.join(dir, "secrets.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.masterKey.length).toBe(32);
    expect(first.authSecret.length).toBeGreaterThanOrEqual(32);
    resetSecretsCache();
    const second = getSecrets();
    expect(second.authSecret).toBe(first.authSecret);
    expect(second.masterKey.equals(first.masterKey)).toBe(true);
    expect(JSON.parse(readFileSync(file, "utf8")).authSecret).toBe(first.authSecret);
  });

  it("come from the environment when set", () => {
    useDataDir();
    process.env.AUTH_SECRET = "from-env-secret-value-that-is-long-enough";
    process.env.MASTER_KEY = "ab".repeat(32);
    resetEnvCache();
    const s = getSecrets();
    expect(s.authSecret).toBe("from-env-secret-value-that-is-long-enough");
    expect(s.masterKey.toString("hex")).toBe("ab".repeat(32));
    expect(s.source).toEqual({ authSecret: "env", masterKey: "env" });
  });

  it("reject a master key of the wrong size", () => {
    expect(() => parseMasterKey("abcd")).toThrow(/32 bytes/);
  });
});
