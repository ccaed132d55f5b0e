// PGlite does not lock its directory, and two processes opening it corrupt it. The server holds a pid file next
// to the directory while it runs; the CLI and migration scripts refuse to open the directory while it is held.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { DatabaseTarget } from "./client";

function lockPath(dir: string): string {
  return `${dir}.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function holder(dir: string): number | null {
  try {
    const pid = Number(readFileSync(lockPath(dir), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function assertDatabaseNotHeld(target: DatabaseTarget): void {
  if (target.kind !== "pglite") return;
  const pid = holder(target.dir);
  if (pid !== null) {
    throw new Error(
      `The embedded database in ${target.dir} is open by a running Switchyard server (pid ${pid}). ` +
        "Stop the server first, or run with DATABASE_URL pointing at a PostgreSQL server.",
    );
  }
}

/** Takes the directory for this process; released on exit. */
export function holdDatabase(target: DatabaseTarget): void {
  if (target.kind !== "pglite") return;
  assertDatabaseNotHeld(target);
  const file = lockPath(target.dir);
  mkdirSync(path.dirname(file), { recursive: true }); // a fresh DATA_DIR does not exist yet
  writeFileSync(file, `${process.pid}\n`);
  process.once("exit", () => rmSync(file, { force: true }));
}
