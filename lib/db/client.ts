// The Prisma client: embedded PGlite in DATA_DIR when DATABASE_URL is unset, a PostgreSQL server otherwise.
// One instance per process, kept on globalThis: Next bundles route handlers separately from the server entry,
// so a module-level singleton could exist twice, and PGlite must never be opened twice on one directory.
// Created lazily so `next build` opens no database.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { env } from "@/lib/env";
import { pgliteAdapterFactory, postgresAdapterFactory } from "./adapters";
import { PrismaClient } from "./generated/client";

export type Db = PrismaClient;

export type DatabaseTarget =
  | { kind: "postgres"; url: string }
  | { kind: "pglite"; dir: string }
  | { kind: "pglite-instance"; pglite: PGlite };

interface DbState {
  target: DatabaseTarget;
  factory: SqlMigrationAwareDriverAdapterFactory;
  prisma: PrismaClient;
  pglite?: PGlite;
}

const KEY = Symbol.for("switchyard.db");
type GlobalWithDb = typeof globalThis & { [KEY]?: Promise<DbState> };

export function configuredTarget(): DatabaseTarget {
  const e = env();
  if (e.DATABASE_URL) return { kind: "postgres", url: e.DATABASE_URL };
  return { kind: "pglite", dir: path.join(e.dataDir, "pglite") };
}

export function describeTarget(t: DatabaseTarget): string {
  if (t.kind === "postgres") return `PostgreSQL ${t.url.replace(/\/\/[^@/]*@/, "//***@")}`;
  if (t.kind === "pglite") return `embedded PGlite in ${t.dir}`;
  return "embedded PGlite (in memory)";
}

export async function openPglite(dir: string): Promise<PGlite> {
  mkdirSync(path.dirname(dir), { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  return pglite;
}

/** A fresh client on a given target: tests and scripts use this; the app uses getDbState(). */
export async function connectDatabase(target: DatabaseTarget): Promise<DbState> {
  let pglite: PGlite | undefined;
  let factory: SqlMigrationAwareDriverAdapterFactory;
  if (target.kind === "postgres") {
    factory = postgresAdapterFactory(target.url);
  } else {
    pglite = target.kind === "pglite" ? await openPglite(target.dir) : target.pglite;
    factory = pgliteAdapterFactory(pglite);
  }
  const prisma = new PrismaClient({ adapter: factory });
  return { target, factory, prisma, pglite };
}

/** The process-wide database. */
export function getDbState(): Promise<DbState> {
  const g = globalThis as GlobalWithDb;
  g[KEY] ??= connectDatabase(configuredTarget()).catch((err) => {
    delete g[KEY];
    throw err;
  });
  return g[KEY];
}

export async function getDb(): Promise<PrismaClient> {
  return (await getDbState()).prisma;
}

/** Closes the process-wide database (graceful shutdown). */
export async function closeDb(): Promise<void> {
  const g = globalThis as GlobalWithDb;
  const state = g[KEY];
  if (!state) return;
  delete g[KEY];
  const s = await state.catch(() => undefined);
  if (!s) return;
  await s.prisma.$disconnect();
  await s.pglite?.close();
}
