// npm run db:migrate            apply pending migrations to the configured database
// npm run db:migrate:dev -- --name x   generate prisma/migrations/<timestamp>_x from schema changes
import { PGlite } from "@electric-sql/pglite";
import { connectDatabase, configuredTarget, describeTarget } from "@/lib/db/client";
import { pgliteAdapterFactory } from "@/lib/db/adapters";
import { applyMigrations, createMigration } from "@/lib/db/migrate";
import { assertDatabaseNotHeld } from "@/lib/db/lock";

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === "deploy") {
    const target = configuredTarget();
    assertDatabaseNotHeld(target);
    const db = await connectDatabase(target);
    const applied = await applyMigrations(db.factory);
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s) to ${describeTarget(target)}:\n  ${applied.join("\n  ")}`
        : `No pending migrations on ${describeTarget(target)}.`,
    );
    return 0;
  }
  if (command === "dev") {
    const i = rest.indexOf("--name");
    const name = i >= 0 ? rest[i + 1] : undefined;
    if (!name) {
      console.error("usage: npm run db:migrate:dev -- --name <migration_name>");
      return 2;
    }
    // The diff replays the existing migrations on an in-memory shadow database: no server needed.
    const created = await createMigration(pgliteAdapterFactory(new PGlite()), name);
    if (!created) {
      console.log("schema.prisma matches the migrations: nothing to generate.");
      return 0;
    }
    console.log(`Created ${created.dir}/migration.sql — read it for data loss before committing:\n\n${created.sql}`);
    return 0;
  }
  console.error("usage: tsx scripts/db.ts deploy | dev --name <name>");
  return 2;
}

// The wasm engine keeps the event loop alive for a while: exit explicitly.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
