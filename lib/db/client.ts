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
  thread?: DatabaseThread;
}

const KEY = Symbol.for("switchyard.db");
const THREAD_KEY = Symbol.for("switchyard.db.pgliteThread");
type GlobalWithDb = typeof globalThis & { [KEY]?: Promise<DbState>; [THREAD_KEY]?: StartDatabaseThread };

/** The embedded database opened on another thread (lib/db/pglite-thread.ts), as a Prisma adapter factory. */
export interface DatabaseThread {
  factory(): SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}
type StartDatabaseThread = (dir: string) => Promise<DatabaseThread>;

/**
 * The app server runs its embedded PGlite database on a worker thread, so statements do not stall the relay's
 * event loop: it registers how to start one here before the first getDb(). (Passed in rather than imported, so
 * Next's bundler never sees the worker.) Elsewhere (the CLI, tests, scripts) PGlite runs on the calling thread.
 */
export function runPgliteOnThread(start: StartDatabaseThread): void {
  (globalThis as GlobalWithDb)[THREAD_KEY] = start;
}

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
  let thread: DatabaseThread | undefined;
  let factory: SqlMigrationAwareDriverAdapterFactory;
  const startThread = (globalThis as GlobalWithDb)[THREAD_KEY];
  if (target.kind === "postgres") {
    factory = postgresAdapterFactory(target.url);
  } else if (target.kind === "pglite" && startThread) {
    mkdirSync(path.dirname(target.dir), { recursive: true });
    thread = await startThread(target.dir);
    factory = thread.factory();
  } else {
    pglite = target.kind === "pglite" ? await openPglite(target.dir) : target.pglite;
    factory = pgliteAdapterFactory(pglite);
  }
  const prisma = new PrismaClient({ adapter: factory });
  return { target, factory, prisma, pglite, thread };
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
  await s.thread?.close();
}
