// The credit and ledger CLI commands as an operator runs them (a child process on a fresh PostgreSQL database).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli";
import { createPostgresDatabase } from "./helpers/empty-db";

describe("billing CLI [postgres]", () => {
  let database: { url: string; drop(): Promise<void> };
  let env: Record<string, string>;
  let slug: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    env = { DATABASE_URL: database.url };
    const created = await runCli(
      ["user", "create", "--email", "ops@example.test", "--password", "Correct-Horse-42", "--json"],
      env,
    );
    expect(created.code).toBe(0);
    slug = (JSON.parse(created.stdout) as { workspace: { slug: string } }).workspace.slug;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it(
    "grants and removes credit as audited adjustments, and shows balance and ledger",
    { timeout: 300_000 },
    async () => {
      const grant = await runCli(
        ["credit", "grant", "--workspace", slug, "--usd", "25.50", "--note", "welcome"],
        env,
      );
      expect(grant.code).toBe(0);
      expect(grant.stdout).toMatch(/Granted \$25\.500000 to .* Balance: \$25\.500000/);
      const take = await runCli(["credit", "grant", "--workspace", slug, "--usd=-0.5", "--json"], env);
      expect(take.code).toBe(0);
      expect(JSON.parse(take.stdout)).toMatchObject({ amountMicros: "-500000", balanceMicros: "25000000" });

      const balance = await runCli(["credit", "balance", "--workspace", slug, "--json"], env);
      expect(JSON.parse(balance.stdout)).toMatchObject({ balanceMicros: "25000000", reservedMicros: "0" });

      const ledger = await runCli(["ledger", "show", "--workspace", slug, "--limit", "5", "--json"], env);
      const entries = (
        JSON.parse(ledger.stdout) as { entries: { kind: string; amountMicros: string; reference: string }[] }
      ).entries;
      expect(entries.map((e) => [e.kind, e.amountMicros])).toEqual([
        ["adjustment", "-500000"],
        ["adjustment", "25500000"],
      ]);
      expect(new Set(entries.map((e) => e.reference)).size).toBe(2);

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const audit = await client.query(
          `SELECT "actorUserId" FROM "AuditLog" WHERE "action" = 'credit.grant'`,
        );
        expect(audit.rows).toEqual([{ actorUserId: null }, { actorUserId: null }]);
      } finally {
        await client.end();
      }

      const bad = await runCli(["credit", "grant", "--workspace", slug, "--usd", "ten"], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--usd must be an amount in dollars/);
    },
  );

  it(
    "ledger check passes, then fails with exit code 1 once a balance disagrees with its entries",
    { timeout: 180_000 },
    async () => {
      const ok = await runCli(["ledger", "check"], env);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/consistent/);

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(`UPDATE "Tenant" SET "balanceMicros" = "balanceMicros" + 1`);
      } finally {
        await client.end();
      }
      const broken = await runCli(["ledger", "check", "--workspace", slug], env);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/Ledger check failed for 1 workspace/);
      expect(broken.stderr).toMatch(/balance \$25\.000001 vs entries \$25\.000000/);
    },
  );
});
