// The price, markup and statement CLI commands as an operator runs them (a child process, --json), on a migrated
// PostgreSQL database seeded with a catalog and a workspace. lib/billing itself is tested on both engines in
// price-book.test.ts and statements.test.ts; this checks the commands' flags, output and exit codes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "@/lib/catalog/catalog";
import { CatalogConfig, loadCatalogConfig } from "@/lib/catalog/config";
import { newId } from "@/lib/ids";
import { createWorkspace } from "@/lib/tenancy/workspaces";
import { parsed, runCli } from "./helpers/cli";
import { createTestDatabase, type TestDatabase } from "./helpers/db";

describe.sequential("cli: prices, markups, statements [postgres]", { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let dir: string;
  let deploymentId: string;
  let workspace: { id: string; slug: string };

  const cli = (args: string[]) => runCli(args, { DATABASE_URL: database.url!, DATA_DIR: dir });

  async function json<T = Record<string, unknown>>(args: string[]): Promise<T> {
    return parsed<T>(await cli([...args, "--json"]));
  }

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    dir = mkdtempSync(path.join(tmpdir(), "sy-cli-prices-"));
    const db = database.prisma;
    const masterKey = randomBytes(32);
    await loadCatalogConfig(
      db,
      CatalogConfig.parse({
        providers: [{ name: "cp-openai", protocol: "openai", baseUrl: "http://127.0.0.1:9/v1" }],
        models: [
          {
            name: "cp-chat",
            deployments: [
              { provider: "cp-openai", upstreamModel: "up", prices: { input: "1", output: "2" } },
            ],
          },
        ],
      }),
      masterKey,
      { demo: false },
    );
    deploymentId = (await loadCatalog(db, masterKey)).resolve("cp-chat")!.deployments[0]!.id;
    const owner = await db.user.create({ data: { id: newId("usr"), email: "cp-owner@example.test" } });
    workspace = await createWorkspace(db, owner.id, "CLI prices");
  });

  afterAll(async () => {
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("prices data prints the shipped prices with their date and the verify note", async () => {
    const out = await json<{
      takenAt: string;
      note: string;
      prices: { vendor: string; upstreamModel: string }[];
    }>(["prices", "data"]);
    expect(out.takenAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(out.note).toMatch(/verify/i);
    expect(out.prices).toContainEqual(
      expect.objectContaining({ vendor: "deepseek", upstreamModel: "deepseek-chat" }),
    );
  });

  it("prices set adds a version now and a scheduled one; prices list shows both", async () => {
    const now = await json<{ scheduled: boolean; version: { input: string; cachedInput: string } }>([
      "prices",
      "set",
      "--deployment",
      deploymentId,
      "--input",
      "2.50",
      "--output",
      "10",
      "--cached-input",
      "1.25",
    ]);
    expect(now.scheduled).toBe(false);
    expect(now.version).toMatchObject({ input: "2500000", cachedInput: "1250000" });

    const start = new Date(Date.now() + 86_400_000).toISOString();
    const later = await json<{ scheduled: boolean }>([
      "prices",
      "set",
      "--deployment",
      deploymentId,
      "--input",
      "3",
      "--output",
      "12",
      "--effective",
      start,
    ]);
    expect(later.scheduled).toBe(true);

    const list = await cli(["prices", "list", "--model", "cp-chat"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("now:  in $2.50  cached $1.25  cache-write $2.50  out $10.00  (operator");
    expect(list.stdout).toContain(
      `next: in $3.00  cached $3.00  cache-write $3.00  out $12.00  (operator, from ${start})`,
    );
    expect(list.stdout).toContain("versions: 3");
  });

  it("prices set refuses bad amounts (usage, exit 2) and a past start (exit 1)", async () => {
    const bad = await cli(["prices", "set", "--deployment", deploymentId, "--input=-1", "--output", "1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--input must be a USD amount/);
    const past = await cli([
      "prices",
      "set",
      "--deployment",
      deploymentId,
      "--input",
      "1",
      "--output",
      "1",
      "--effective",
      "2020-01-01T00:00:00Z",
    ]);
    expect(past.code).toBe(1);
    expect(past.stderr).toMatch(/cannot start in the past/);
  });

  it("markup set covers the platform, a workspace, a model and removal; markup list shows them", async () => {
    expect(await json(["markup", "set", "--bps", "1200"])).toEqual({ scope: "platform", bps: 1200 });
    expect(await json(["markup", "set", "--bps", "300", "--workspace", workspace.slug])).toMatchObject({
      scope: "workspace",
      bps: 300,
    });
    expect(await json(["markup", "set", "--bps", "50", "--model", "cp-chat"])).toMatchObject({
      scope: "platform-model",
      bps: 50,
    });
    expect(
      await json(["markup", "set", "--bps", "75", "--model", "cp-chat", "--workspace", workspace.slug]),
    ).toMatchObject({ scope: "workspace-model", tenantId: workspace.id, bps: 75 });

    const list = await cli(["markup", "list"]);
    expect(list.stdout.split("\n")).toEqual([
      "Platform default: 1200 bps (12%)",
      `Workspace ${workspace.slug}: 300 bps (3%)`,
      "Model cp-chat (platform): 50 bps (0.5%)",
      `Model cp-chat in ${workspace.slug}: 75 bps (0.75%)`,
      "",
    ]);
  });

  it("markup set --bps none removes an override; bounds are enforced", async () => {
    await json(["markup", "set", "--bps", "none", "--workspace", workspace.slug]);
    await json(["markup", "set", "--bps", "none", "--model", "cp-chat"]);
    const after = await json<{ workspaces: unknown[]; models: { tenant: unknown }[] }>(["markup", "list"]);
    expect(after.workspaces).toEqual([]);
    expect(after.models).toHaveLength(1);

    const tooBig = await cli(["markup", "set", "--bps", "100001"]);
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toMatch(/at most 100000/);
    expect((await cli(["markup", "set", "--bps", "none"])).code).toBe(2);
  });

  it("statement writes the month's CSV and refuses a bad month", async () => {
    const file = path.join(dir, "out.csv");
    const out = await json<{ file: string; month: string }>([
      "statement",
      "--workspace",
      workspace.slug,
      "--month",
      "2026-11",
      "--out",
      file,
    ]);
    expect(out).toMatchObject({ file, month: "2026-11" });
    const csv = readFileSync(file, "utf8");
    expect(csv.startsWith("Switchyard statement\r\nWorkspace,CLI prices\r\n")).toBe(true);
    expect(csv).toContain("Net,0.000000\r\n");
    const bad = await cli(["statement", "--workspace", workspace.slug, "--month", "2026-13"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/YYYY-MM/);
  });
});
