// The wasm-engine migration runner (lib/db/migrate.ts) on both databases: it yields exactly schema.prisma, records
// `_prisma_migrations` as `prisma migrate deploy` does, records a failing migration as failed (and then refuses to
// go on), applies nothing twice, and is safe to run concurrently.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase } from "@/lib/db/client";
import {
  applyMigrations,
  defaultPaths,
  diffDatabaseToSchema,
  migrationChecksum,
  readMigrations,
  type MigrationPaths,
} from "@/lib/db/migrate";
import { TEST_DATABASE_KINDS } from "./helpers/db";
import { createEmptyDatabase, createPostgresDatabase, type EmptyDatabase } from "./helpers/empty-db";

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const migrationNames = readMigrations().migrationDirectories.map((d) => d.path);

function migrationRows(db: EmptyDatabase): Promise<MigrationRow[]> {
  return db.prisma.$queryRawUnsafe<MigrationRow[]>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
}

// A migration that fails after a valid statement. The literal holds a ';' and the function has a `$$` body: were
// the script split on ';', the error would be a syntax error, not the division by zero at the end.
const BROKEN_NAME = "29991231000000_broken";
const BROKEN_SQL = `CREATE TABLE "Probe" ("note" TEXT NOT NULL DEFAULT 'a;b');
CREATE FUNCTION probe_note() RETURNS TEXT LANGUAGE plpgsql AS $$ BEGIN RETURN 'c;d'; END; $$;
SELECT 1/0;
`;

/** A copy of prisma/ with the broken migration added after the real ones. */
function pathsWithBrokenMigration(): { paths: MigrationPaths; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "sy-migrations-"));
  cpSync(path.dirname(defaultPaths.schemaPath), dir, { recursive: true });
  const migrationsDir = path.join(dir, "migrations");
  mkdirSync(path.join(migrationsDir, BROKEN_NAME));
  writeFileSync(path.join(migrationsDir, BROKEN_NAME, "migration.sql"), BROKEN_SQL);
  return {
    paths: { schemaPath: path.join(dir, "schema.prisma"), migrationsDir },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

for (const kind of TEST_DATABASE_KINDS) {
  describe(`migrations [${kind}]`, () => {
    let db: EmptyDatabase;
    let diffBefore: string;
    let appliedFirst: string[];

    beforeAll(async () => {
      db = await createEmptyDatabase(kind);
      diffBefore = await diffDatabaseToSchema(db.factory);
      appliedFirst = await applyMigrations(db.factory);
    });
    afterAll(() => db?.drop());

    it("applies every migration to an empty database, leaving no drift from schema.prisma", async () => {
      expect(migrationNames.length).toBeGreaterThan(0);
      expect(diffBefore).toContain('CREATE TABLE "User"'); // the drift check does see a difference
      expect(appliedFirst).toEqual(migrationNames);
      expect(await diffDatabaseToSchema(db.factory)).toBe("");
    });

    it("records _prisma_migrations as prisma migrate deploy does", async () => {
      const columns = await db.prisma.$queryRawUnsafe<{ column_name: string; data_type: string }[]>(
        `SELECT column_name, data_type FROM information_schema.columns
          WHERE table_name = '_prisma_migrations' AND table_schema = current_schema() ORDER BY ordinal_position`,
      );
      expect(columns.map((c) => [c.column_name, c.data_type])).toEqual([
        ["id", "character varying"],
        ["checksum", "character varying"],
        ["finished_at", "timestamp with time zone"],
        ["migration_name", "character varying"],
        ["logs", "text"],
        ["rolled_back_at", "timestamp with time zone"],
        ["started_at", "timestamp with time zone"],
        ["applied_steps_count", "integer"],
      ]);

      const rows = await migrationRows(db);
      expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
      for (const row of rows) {
        const sql = readFileSync(
          path.join(defaultPaths.migrationsDir, row.migration_name, "migration.sql"),
          "utf8",
        );
        expect(row.checksum).toBe(migrationChecksum(sql));
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
        expect(row.applied_steps_count).toBe(1);
        expect(row.rolled_back_at).toBeNull();
        expect(row.logs).toBeNull();
      }
    });

    it("applies nothing when run again", async () => {
      const before = await migrationRows(db);
      expect(await applyMigrations(db.factory)).toEqual([]);
      expect(await migrationRows(db)).toEqual(before);
    });

    // Last in this block: it leaves a failed migration in the database.
    it("records a failing migration as failed, runs its script as one unit, and then refuses to go on", async () => {
      const broken = pathsWithBrokenMigration();
      try {
        await expect(applyMigrations(db.factory, broken.paths)).rejects.toThrow(/division by zero/);

        const row = (await migrationRows(db)).find((r) => r.migration_name === BROKEN_NAME);
        expect(row).toBeDefined();
        expect(row!.finished_at).toBeNull();
        expect(row!.rolled_back_at).toBeNull();
        expect(row!.applied_steps_count).toBe(0);
        expect(row!.logs).toMatch(/division by zero/);
        expect(row!.checksum).toBe(migrationChecksum(BROKEN_SQL));

        // One simple query is one implicit transaction: the valid statements before the failure are gone too.
        const [probe] = await db.prisma.$queryRawUnsafe<{ probe: string | null }[]>(
          `SELECT to_regclass('"Probe"')::text AS probe`,
        );
        expect(probe!.probe).toBeNull();

        // Like P3009: a failed migration in the database blocks every later deploy until it is resolved.
        await expect(applyMigrations(db.factory, broken.paths)).rejects.toThrow(/failed migration/i);
        const rows = await migrationRows(db);
        expect(rows.filter((r) => r.migration_name === BROKEN_NAME)).toHaveLength(1);
      } finally {
        broken.cleanup();
      }
    });
  });
}

describe("migrations [postgres, concurrent]", () => {
  it("two concurrent runs on one database both succeed and apply each migration once", async () => {
    const database = await createPostgresDatabase();
    const a = await connectDatabase({ kind: "postgres", url: database.url });
    const b = await connectDatabase({ kind: "postgres", url: database.url });
    try {
      const [appliedA, appliedB] = await Promise.all([
        applyMigrations(a.factory),
        applyMigrations(b.factory),
      ]);
      expect([...appliedA, ...appliedB].sort()).toEqual(migrationNames);

      const rows = await a.prisma.$queryRawUnsafe<{ migration_name: string; finished_at: Date | null }[]>(
        `SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`,
      );
      expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
      expect(rows.every((r) => r.finished_at !== null)).toBe(true);
      expect(await diffDatabaseToSchema(a.factory)).toBe("");
    } finally {
      await a.prisma.$disconnect();
      await b.prisma.$disconnect();
      await database.drop();
    }
  });
});
