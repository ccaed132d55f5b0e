/**
 * Fresh, migrated databases for integration tests, on both engines Switchyard supports.
 *
 *   const db = await createTestDatabase("pglite");   // or "postgres"
 *   db.prisma.tenant.create(...);                     // a PrismaClient on an empty, migrated database
 *   await db.drop();                                  // disconnects (and drops the PostgreSQL database)
 *
 *   describeEachDatabase("api keys", (getDb) => {     // the suite runs once per engine
 *     it("...", async () => { await getDb().prisma.apiKey.count(); });
 *   });
 *
 * "pglite" is an in-memory PGlite (nothing on disk). "postgres" creates a uniquely named database `sy_test_<hex>`
 * on the local server (trust auth, postgresql://postgres@127.0.0.1:5432) and drops it afterwards; set
 * TEST_POSTGRES_URL to use another server's maintenance database.
 */
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { connectDatabase, type Db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";

export type TestDatabaseKind = "pglite" | "postgres";

export interface TestDatabase {
  kind: TestDatabaseKind;
  prisma: Db;
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** The connection URL ("postgres" only). */
  url?: string;
  drop(): Promise<void>;
}

export const TEST_DATABASE_KINDS: readonly TestDatabaseKind[] = ["pglite", "postgres"];

// Tests are not app code, so this one variable is read here rather than through lib/env.ts.
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  if (kind === "pglite") {
    const pglite = new PGlite();
    const state = await connectDatabase({ kind: "pglite-instance", pglite });
    await applyMigrations(state.factory);
    return {
      kind,
      prisma: state.prisma,
      factory: state.factory,
      async drop() {
        await state.prisma.$disconnect();
        await pglite.close();
      },
    };
  }
  const name = `sy_test_${randomBytes(6).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const state = await connectDatabase({ kind: "postgres", url: url.toString() });
  try {
    await applyMigrations(state.factory);
  } catch (err) {
    await state.prisma.$disconnect();
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    throw err;
  }
  return {
    kind,
    prisma: state.prisma,
    factory: state.factory,
    url: url.toString(),
    async drop() {
      await state.prisma.$disconnect();
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Runs `fn` as a describe block once per database kind, with a fresh database created before and dropped after. */
export function describeEachDatabase(name: string, fn: (getDb: () => TestDatabase) => void): void {
  for (const kind of TEST_DATABASE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      let db: TestDatabase | undefined;
      beforeAll(async () => {
        db = await createTestDatabase(kind);
      });
      afterAll(async () => {
        await db?.drop();
      });
      fn(() => {
        if (!db)
          throw new Error("the test database is created in beforeAll: call getDb() inside hooks and tests");
        return db;
      });
    });
  }
}
