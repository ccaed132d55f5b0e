// `npm run cli -- user admin --email E [--revoke]`: grants and takes away the platform admin role, as a child
// process on a fresh embedded database (the CLI migrates it first).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli";

describe("cli: user admin", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sy-admin-cli-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  // The CLI on the embedded database in dataDir, with the password on stdin (for --password-stdin).
  const cli = (args: string[]) => runCli(args, { DATA_DIR: dataDir }, "Correct-Horse-42\n");

  it(
    "makes an existing user a platform admin, revokes it, and refuses an unknown email",
    { timeout: 240_000 },
    async () => {
      const email = "ops@example.test";
      const created = await cli(["user", "create", "--email", email, "--password-stdin", "--json"]);
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);

      const granted = await cli(["user", "admin", "--email", "OPS@example.test", "--json"]);
      expect(granted.stderr).toBe("");
      expect(JSON.parse(granted.stdout)).toMatchObject({ user: { email, isPlatformAdmin: true } });

      const revoked = await cli(["user", "admin", "--email", email, "--revoke", "--json"]);
      expect(JSON.parse(revoked.stdout)).toMatchObject({ user: { email, isPlatformAdmin: false } });

      const unknown = await cli(["user", "admin", "--email", "nobody@example.test"]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^error: No user with email nobody@example.test\./);
    },
  );
});
