// The operator CLI as a user runs it: a child process (`tsx scripts/cli.ts ... --json`) on a fresh embedded
// database in a temp DATA_DIR and on a fresh PostgreSQL database via DATABASE_URL. Neither is migrated first: the
// CLI must do that itself.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations } from "@/lib/db/migrate";
import { hashApiKey } from "@/lib/tenancy/key-format";
import { parsed, runCli, type CliRun } from "./helpers/cli";
import { createPostgresDatabase } from "./helpers/empty-db";

const PASSWORD = "Correct-Horse-42";

/** A failed run: non-zero, nothing on stdout, one line on stderr. */
function expectFailure(run: CliRun, code: number, message: RegExp): void {
  expect(run.stdout).toBe("");
  expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(run.stderr).toMatch(message);
  expect(run.code).toBe(code);
}

interface KeyJson {
  key: string;
  id: string;
  name: string;
  hint: string;
  expiresAt: string | null;
  revokedAt: string | null;
  workspace: { id: string; slug: string; name: string };
}

const targets = {
  pglite: async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sy-cli-"));
    const dataDir = path.join(dir, "data"); // does not exist yet: the CLI must cope with a fresh data dir
    return {
      env: { DATA_DIR: dataDir },
      dataDir,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  postgres: async () => {
    const database = await createPostgresDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), "sy-cli-"));
    return {
      env: { DATABASE_URL: database.url, DATA_DIR: dir },
      dataDir: undefined,
      cleanup: async () => {
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

// Each CLI run is a process start plus a database open (seconds each), so the two databases run side by side;
// the steps against each run in order.
for (const kind of ["pglite", "postgres"] as const) {
  describe.concurrent(`cli [${kind}]`, { timeout: 120_000 }, () => {
    describe.sequential("operator session", () => {
      let target: Awaited<ReturnType<(typeof targets)[typeof kind]>>;
      const cli = (args: string[], stdin?: string) => runCli(args, target.env, stdin);
      const email = `Ops-${kind}@Example.test`;
      let home: { id: string; slug: string };
      let team: { id: string; slug: string };
      let created: KeyJson;

      beforeAll(async () => {
        target = await targets[kind]();
      });
      afterAll(() => target?.cleanup());

      it("migrate applies every migration to the fresh database", async () => {
        const out = parsed<{ database: string; applied: string[] }>(await cli(["migrate", "--json"]));
        expect(out.applied).toEqual(readMigrations().migrationDirectories.map((d) => d.path));
        expect(out.database).toMatch(kind === "pglite" ? /^embedded PGlite in / : /^PostgreSQL postgresql:/);
      });

      it("user create (password on stdin) creates the user and their own workspace", async () => {
        const args = [
          "user",
          "create",
          "--email",
          email,
          "--name",
          "Ops Person",
          "--password-stdin",
          "--json",
        ];
        const out = parsed<{ user: { id: string; email: string; name: string }; workspace: typeof home }>(
          await cli(args, `${PASSWORD}\n`),
        );
        expect(out.user).toMatchObject({ email: email.toLowerCase(), name: "Ops Person" });
        expect(out.user.id).toMatch(/^usr_/);
        expect(out.user).not.toHaveProperty("passwordHash");
        expect(out.workspace.slug).toMatch(/^ops-s-workspace-/);
        home = out.workspace;
      });

      it("workspace create for an existing user", async () => {
        const out = parsed<{
          workspace: typeof team & { name: string; createdAt: string };
          owner: { email: string };
        }>(await cli(["workspace", "create", "--name", "Platform Team", "--owner", email, "--json"]));
        expect(out.workspace.name).toBe("Platform Team");
        expect(new Date(out.workspace.createdAt).toISOString()).toBe(out.workspace.createdAt);
        expect(out.owner.email).toBe(email.toLowerCase());
        team = out.workspace;
      });

      it("key create prints the key once with its id, hint and workspace", async () => {
        created = parsed<KeyJson>(
          await cli([
            "key",
            "create",
            "--workspace",
            team.slug,
            "--name",
            "ci",
            "--expires",
            "2999-01-01",
            "--json",
          ]),
        );
        expect(created.key).toMatch(/^sk-sy-[0-9A-Za-z]{43}$/);
        expect(created.id).toMatch(/^key_/);
        expect(created.hint).toBe(`sk-sy-…${created.key.slice(-4)}`);
        expect(created.expiresAt).toBe("2999-01-01T00:00:00.000Z");
        expect(created.revokedAt).toBeNull();
        expect(created.workspace).toEqual({ id: team.id, slug: team.slug, name: "Platform Team" });
      });

      let revokedAt: string;
      it("key revoke: not through another workspace, then by id alone", async () => {
        expectFailure(
          await cli(["key", "revoke", "--id", created.id, "--workspace", home.slug, "--json"]),
          1,
          /^error: API key not found\./,
        );
        const out = parsed<{ id: string; revokedAt: string; workspace: { slug: string } }>(
          await cli(["key", "revoke", "--id", created.id, "--json"]),
        );
        expect(out.id).toBe(created.id);
        expect(out.workspace.slug).toBe(team.slug);
        expect(Date.parse(out.revokedAt)).toBeGreaterThan(Date.now() - 300_000);
        revokedAt = out.revokedAt;
      });

      it("key list (by workspace id) shows hints and revocations, never keys or hashes", async () => {
        const run = await cli(["key", "list", "--workspace", team.id, "--json"]);
        const out = parsed<{ keys: KeyJson[] }>(run);
        expect(out.keys.map((k) => [k.id, k.hint, k.revokedAt])).toEqual([
          [created.id, created.hint, revokedAt],
        ]);
        expect(run.stdout).not.toContain(created.key.slice("sk-sy-".length, -4));
        expect(run.stdout).not.toContain(hashApiKey(created.key));
      });

      it("workspace list shows both workspaces with their counts", async () => {
        const out = parsed<{ workspaces: { id: string; slug: string; members: number; keys: number }[] }>(
          await cli(["workspace", "list", "--json"]),
        );
        expect(out.workspaces.map((w) => [w.slug, w.members, w.keys])).toEqual([
          [home.slug, 1, 0],
          [team.slug, 1, 1],
        ]);
      });

      it("refuses a duplicate email (any case), a weak password and an unknown workspace", async () => {
        expectFailure(
          await cli(["user", "create", "--email", email.toUpperCase(), "--password", PASSWORD, "--json"]),
          1,
          /^error: An account with this email already exists/,
        );
        const weak = await runCli(["user", "create", "--email", `new-${kind}@example.test`, "--json"], {
          ...target.env,
          SWITCHYARD_PASSWORD: "short",
        });
        expectFailure(weak, 1, /^error: Password must be at least 10 characters\./);
        expectFailure(
          await cli(["key", "create", "--workspace", "no-such-workspace", "--name", "x", "--json"]),
          1,
          /^error: Workspace no-such-workspace not found\./,
        );
      });

      it("routing set saves a valid policy file as a new version; routing show prints it", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "sy-cli-policy-"));
        try {
          const file = path.join(dir, "policy.json");
          const policy = { rules: [{ match: "*", strategy: { type: "lowest-cost" } }], region: ["eu"] };
          writeFileSync(file, JSON.stringify(policy));
          for (const version of [1, 2]) {
            const out = parsed<{ version: number; workspace: { slug: string } }>(
              await cli([
                "routing",
                "set",
                "--workspace",
                team.slug,
                "--file",
                file,
                "--note",
                `v${version}`,
                "--json",
              ]),
            );
            expect(out).toMatchObject({ version, workspace: { slug: team.slug } });
          }
          const shown = parsed<{
            policy: unknown;
            version: number;
            effective: { region?: string[] };
            versions: { version: number; note: string; createdBy: string | null }[];
          }>(await cli(["routing", "show", "--workspace", team.slug, "--json"]));
          expect(shown).toMatchObject({ policy, version: 2, effective: { region: ["eu"] } });
          expect(shown.versions.map((v) => [v.version, v.note, v.createdBy])).toEqual([
            [2, "v2", null],
            [1, "v1", null],
          ]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it("routing set refuses an invalid policy file, printing each issue with its path", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "sy-cli-policy-"));
        try {
          const file = path.join(dir, "bad.json");
          writeFileSync(
            file,
            JSON.stringify({
              rules: [
                { match: "*", strategy: { type: "fastest" } },
                { match: "x", retries: { maxAttempts: 0 } },
              ],
            }),
          );
          const run = await cli(["routing", "set", "--workspace", team.slug, "--file", file, "--json"]);
          expect(run.code).toBe(1);
          expect(run.stdout).toBe("");
          const lines = run.stderr.trimEnd().split("\n");
          expect(lines[0]).toBe(`error: ${file} is not a valid routing policy (2 issues):`);
          expect(lines[1]).toMatch(/^  rules\[0\]\.strategy\.type: strategy type must be one of /);
          expect(lines[2]).toBe("  rules[1].retries.maxAttempts: must be at least 1");
          const notJson = path.join(dir, "broken.json");
          writeFileSync(notJson, "{ rules: ");
          expectFailure(
            await cli(["routing", "set", "--workspace", team.slug, "--file", notJson, "--json"]),
            1,
            /is not valid JSON/,
          );
          // Nothing saved: still version 2.
          const shown = parsed<{ version: number }>(
            await cli(["routing", "show", "--workspace", team.slug, "--json"]),
          );
          expect(shown.version).toBe(2);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it("key limits sets and removes a key's limits, only through its own workspace", async () => {
        const key = parsed<KeyJson>(
          await cli(["key", "create", "--workspace", team.slug, "--name", "limited", "--json"]),
        );
        const set = parsed<{
          id: string;
          rpmLimit: number | null;
          tpmLimit: number | null;
          workspace: { slug: string };
        }>(await cli(["key", "limits", "--id", key.id, "--rpm", "60", "--tpm", "100000", "--json"]));
        expect(set).toMatchObject({
          id: key.id,
          rpmLimit: 60,
          tpmLimit: 100_000,
          workspace: { slug: team.slug },
        });
        expect(
          parsed<{ rpmLimit: number | null; tpmLimit: number | null }>(
            await cli(["key", "limits", "--id", key.id, "--tpm", "none", "--json"]),
          ),
        ).toMatchObject({ rpmLimit: 60, tpmLimit: null });
        expectFailure(
          await cli(["key", "limits", "--id", key.id, "--workspace", home.slug, "--rpm", "1", "--json"]),
          1,
          /^error: API key not found\./,
        );
        expectFailure(
          await cli(["key", "limits", "--id", key.id, "--rpm", "lots", "--json"]),
          2,
          /--rpm must be a whole number or "none"/,
        );
        expectFailure(
          await cli(["key", "limits", "--id", key.id, "--rpm", "0", "--json"]),
          1,
          /^error: rpm: must be at least 1/,
        );
        const text = await cli([
          "key", "limits", "--id", key.id, "--spend", "12.50", "--period", "total", "--expires", "2099-01-01",
        ]);
        expect(text.code).toBe(0);
        expect(text.stdout).toContain("spend $12.50 in total, models all, expires 2099-01-01");
        expect(
          parsed<{ spendLimitMicros: string | null; expiresAt: string | null }>(
            await cli(["key", "limits", "--id", key.id, "--spend", "none", "--expires", "none", "--json"]),
          ),
        ).toMatchObject({ spendLimitMicros: null, expiresAt: null });
        expectFailure(
          await cli(["key", "limits", "--id", key.id, "--spend", "12,50", "--json"]),
          1,
          /^error: spendLimit: must be an amount in dollars/,
        );
      }, 240_000); // ten CLI runs, each a fresh process

      it("workspace limits sets the workspace's limits and response cache", async () => {
        const out = parsed<{
          rpmLimit: number | null;
          tpmLimit: number | null;
          cacheEnabled: boolean;
          cacheTtlSeconds: number;
        }>(
          await cli([
            "workspace",
            "limits",
            "--workspace",
            team.slug,
            "--rpm",
            "600",
            "--cache",
            "on",
            "--cache-ttl",
            "120",
            "--json",
          ]),
        );
        expect(out).toMatchObject({
          rpmLimit: 600,
          tpmLimit: null,
          cacheEnabled: true,
          cacheTtlSeconds: 120,
        });
        expectFailure(
          await cli(["workspace", "limits", "--workspace", team.slug, "--cache-ttl", "90000", "--json"]),
          1,
          /^error: cacheTtlSeconds: must be at most 86400/,
        );
      });

      if (kind === "pglite") {
        it("refuses the embedded database while a server holds it", async () => {
          const lock = `${path.join(target.dataDir!, "pglite")}.lock`;
          writeFileSync(lock, `${process.pid}\n`); // a live process that is not the CLI
          try {
            expectFailure(
              await cli(["workspace", "list", "--json"]),
              1,
              /open by a running Switchyard server/,
            );
          } finally {
            rmSync(lock, { force: true });
          }
        });
      }
    });
  });
}

describe.concurrent("cli usage errors", () => {
  // These fail before any database is opened: a data dir that does not exist must stay that way.
  const dataDir = path.join(tmpdir(), `sy-cli-unused-${process.pid}`);
  const cli = (args: string[]) => runCli(args, { DATA_DIR: dataDir });

  it.concurrent.each([
    [[], /^error: Missing command\./],
    [["frobnicate", "--json"], /^error: Unknown command "frobnicate"/],
    [["key", "create", "--workspace", "x", "--json"], /^error: Missing --name\./],
    [
      ["user", "create", "--email", "a@example.test", "--password", PASSWORD, "--bogus", "--json"],
      /Unknown option '--bogus'/,
    ],
    [["user", "create", "--email", "a@example.test", "--json"], /^error: Missing --password/],
  ] as [string[], RegExp][])("%j exits 2 with one line on stderr", async (args, message) => {
    expectFailure(await cli(args), 2, message);
  });

  it.concurrent("--help lists every command on stdout", async () => {
    const run = await cli(["--help"]);
    expect(run.code).toBe(0);
    for (const command of [
      "user create",
      "workspace create",
      "workspace list",
      "key create",
      "key list",
      "key revoke",
      "migrate",
    ]) {
      expect(run.stdout).toContain(command);
    }
  });

  it.concurrent("--help lists the routing and limits commands", async () => {
    const run = await cli(["--help"]);
    expect(run.code).toBe(0);
    for (const command of [
      "routing show",
      "routing set",
      "routing set-default",
      "key limits",
      "workspace limits",
    ]) {
      expect(run.stdout).toContain(command);
    }
  });

  it.concurrent("routing set-default checks the file before opening any database", async () => {
    const file = path.join(tmpdir(), `sy-cli-default-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ region: "eu" }));
    try {
      const run = await cli(["routing", "set-default", "--file", file, "--json"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("  region: must be a list of regions");
    } finally {
      rmSync(file, { force: true });
    }
  });

  afterAll(() => {
    expect(existsSync(dataDir)).toBe(false);
  });
});
