// `npm run cli -- user admin --email E [--revoke]`: grants and takes away the platform admin role, as a child
// process on a fresh embedded database (the CLI migrates it first).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");

function runCli(
  args: string[],
  dataDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  for (const name of ["DATABASE_URL", "REDIS_URL", "SWITCHYARD_PASSWORD"]) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ["scripts/cli.ts", ...args], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end("Correct-Horse-42\n");
  });
}

describe("cli: user admin", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sy-admin-cli-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    "makes an existing user a platform admin, revokes it, and refuses an unknown email",
    { timeout: 240_000 },
    async () => {
      const email = "ops@example.test";
      const created = await runCli(
        ["user", "create", "--email", email, "--password-stdin", "--json"],
        dataDir,
      );
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);

      const granted = await runCli(["user", "admin", "--email", "OPS@example.test", "--json"], dataDir);
      expect(granted.stderr).toBe("");
      expect(JSON.parse(granted.stdout)).toMatchObject({ user: { email, isPlatformAdmin: true } });

      const revoked = await runCli(["user", "admin", "--email", email, "--revoke", "--json"], dataDir);
      expect(JSON.parse(revoked.stdout)).toMatchObject({ user: { email, isPlatformAdmin: false } });

      const unknown = await runCli(["user", "admin", "--email", "nobody@example.test"], dataDir);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^error: No user with email nobody@example.test\./);
    },
  );
});
