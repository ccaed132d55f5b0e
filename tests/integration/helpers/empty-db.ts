/**
 * Fresh databases with nothing in them (no migrations applied), for tests of the migration runner and of the CLI
 * (which migrates on its own). For a migrated database use createTestDatabase in ./db.ts.
 *
 *   const db = await createEmptyDatabase("postgres");   // or "pglite" (in memory)
 *   await applyMigrations(db.factory);
 *   await db.drop();
 *
 * "postgres" creates `sy_test_<hex>` on the local server (TEST_POSTGRES_URL overrides the maintenance database)
 * and drops it afterwards.
 */
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { connectDatabase, type Db } from "@/lib/db/client";
import type { TestDatabaseKind } from "./db";

export interface EmptyDatabase {
  kind: TestDatabaseKind;
  prisma: Db;
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** The connection URL ("postgres" only). */
  url?: string;
  drop(): Promise<void>;
}

// Tests are not app code, so this one variable is read here rather than through lib/env.ts.
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database; returns its URL and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sy_test_${randomBytes(6).toString("hex")}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export async function createEmptyDatabase(kind: TestDatabaseKind): Promise<EmptyDatabase> {
  if (kind === "pglite") {
    const pglite = new PGlite();
    const { prisma, factory } = await connectDatabase({ kind: "pglite-instance", pglite });
    return {
      kind,
      prisma,
      factory,
      async drop() {
        await prisma.$disconnect();
        await pglite.close();
      },
    };
  }
  const database = await createPostgresDatabase();
  const { prisma, factory } = await connectDatabase({ kind: "postgres", url: database.url });
  return {
    kind,
    prisma,
    factory,
    url: database.url,
    async drop() {
      await prisma.$disconnect();
      await database.drop();
    },
  };
}
