// Migrations without Prisma's native engine (it cannot be downloaded here): the wasm schema engine, driven
// through our driver adapters. `applyMigrations` records `_prisma_migrations` exactly as `prisma migrate deploy`
// does (same checksums, failed migrations recorded as failed, same advisory lock), so the standard CLI and this
// runner can take turns on one database.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";

export const PRISMA_DIR = path.resolve(process.cwd(), "prisma");
const NO_FILTER = { externalTables: [], externalEnums: [] };

export interface MigrationPaths {
  schemaPath: string;
  migrationsDir: string;
}

export const defaultPaths: MigrationPaths = {
  schemaPath: path.join(PRISMA_DIR, "schema.prisma"),
  migrationsDir: path.join(PRISMA_DIR, "migrations"),
};

type WasmBindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg") & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

let bindings: Promise<WasmBindings> | undefined;

function loadBindings(): Promise<WasmBindings> {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const jsPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bg = (await import(/* webpackIgnore: true */ jsPath)) as WasmBindings;
    const bytes = readFileSync(path.join(path.dirname(jsPath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return bg;
  })();
  return bindings;
}

/** Adapter errors surface from the engine as "External error id#N": put the real cause back in the message. */
function explain(err: unknown, registry: { consumeError(id: number): { error: unknown } | undefined }): Error {
  const message = err instanceof Error ? err.message : String(err);
  const id = /id#(\d+)/.exec(message)?.[1];
  const record = id ? registry.consumeError(Number(id)) : undefined;
  if (!record) return err instanceof Error ? err : new Error(message);
  const cause = record.error as { cause?: { originalMessage?: string; message?: string }; message?: string };
  const detail = cause?.cause?.originalMessage ?? cause?.cause?.message ?? cause?.message ?? String(record.error);
  return new Error(`${message}: ${detail}`, { cause: record.error });
}

/**
 * The engine never disposes the connections it opens, and it never unlocks its advisory lock (the native CLI
 * exits instead): an idle pooled session would keep the lock, and block another instance's deploy, until the pool
 * closed it. Track what the engine opens so withEngine can close it, which releases the lock at once.
 */
function trackConnections(factory: SqlMigrationAwareDriverAdapterFactory) {
  const opened: SqlDriverAdapter[] = [];
  const track = async (connecting: Promise<SqlDriverAdapter>) => {
    const adapter = await connecting;
    opened.push(adapter);
    return adapter;
  };
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => track(factory.connect()),
    connectToShadowDb: () => track(factory.connectToShadowDb()),
  };
  return { tracked, closeAll: () => Promise.allSettled(opened.map((a) => a.dispose())) };
}

async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  paths: MigrationPaths,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const bg = await loadBindings();
  const { tracked, closeAll } = trackConnections(factory);
  const bound = bindMigrationAwareSqlAdapterFactory(tracked);
  const schema = readFileSync(paths.schemaPath, "utf8");
  const engine = await bg.SchemaEngine.new(
    { datamodels: [[paths.schemaPath, schema]] },
    () => {},
    bound,
  );
  try {
    return await fn(engine);
  } catch (err) {
    throw explain(err, bound.errorRegistry);
  } finally {
    engine.free();
    await closeAll();
  }
}

export function readMigrations(paths: MigrationPaths = defaultPaths): MigrationList {
  const dir = paths.migrationsDir;
  const lockPath = path.join(dir, "migration_lock.toml");
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: names.map((name) => {
      const file = path.join(dir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: existsSync(file)
            ? { tag: "ok" as const, value: readFileSync(file, "utf8") }
            : { tag: "error" as const, value: `${file} not found` },
        },
      };
    }),
  };
}

/** Applies pending migrations; returns the names applied now. Safe to run concurrently (advisory lock). */
export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  paths: MigrationPaths = defaultPaths,
): Promise<string[]> {
  return withEngine(factory, paths, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: readMigrations(paths), filters: NO_FILTER });
    return out.appliedMigrationNames;
  });
}

/** SQL that would take the database to what schema.prisma describes; empty when there is no drift. */
export async function diffDatabaseToSchema(
  factory: SqlMigrationAwareDriverAdapterFactory,
  paths: MigrationPaths = defaultPaths,
): Promise<string> {
  return withEngine(factory, paths, async (engine) => {
    const files = [{ path: paths.schemaPath, content: readFileSync(paths.schemaPath, "utf8") }];
    const result = await engine.diff({
      // The live database behind the driver adapter (what `--from-config-datasource` sends); the engine rejects
      // the older `url` target.
      from: { tag: "schemaDatasource", files, configDir: path.dirname(paths.schemaPath) },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return normalizeDiff(result.stdout ?? "");
  });
}

/** The engine prints a comment for an empty diff; treat it as empty. */
function normalizeDiff(sql: string): string {
  const meaningful = sql
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.trim().startsWith("--"))
    .join("\n");
  return meaningful.trim() === "" ? "" : sql.trim();
}

/**
 * Writes a new migration with the SQL from the existing migrations to schema.prisma (computed on an in-memory
 * shadow database). Returns its directory, or null when the schema has not changed.
 */
export async function createMigration(
  factory: SqlMigrationAwareDriverAdapterFactory,
  name: string,
  paths: MigrationPaths = defaultPaths,
  now = new Date(),
): Promise<{ dir: string; sql: string } | null> {
  if (!/^[a-z0-9_]+$/i.test(name)) throw new Error("migration name: letters, digits and _ only");
  mkdirSync(paths.migrationsDir, { recursive: true });
  const lock = path.join(paths.migrationsDir, "migration_lock.toml");
  if (!existsSync(lock)) {
    writeFileSync(
      lock,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
  }
  const sql = await withEngine(factory, paths, async (engine) => {
    const schema = readFileSync(paths.schemaPath, "utf8");
    const result = await engine.diff({
      from: { tag: "migrations", ...readMigrations(paths) },
      to: { tag: "schemaDatamodel", files: [{ path: paths.schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return normalizeDiff(result.stdout ?? "");
  });
  if (!sql) return null;
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const dir = path.join(paths.migrationsDir, `${stamp}_${name}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, "migration.sql"), sql.endsWith("\n") ? sql : sql + "\n");
  return { dir, sql };
}

/** The checksum `prisma migrate` stores for a migration: sha256 (hex) of migration.sql as written. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}
