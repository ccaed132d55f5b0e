// Runs the operator CLI as an operator does (a child process, `tsx scripts/cli.ts ...`), for the CLI's tests.
import { spawn } from "node:child_process";
import path from "node:path";
import { expect } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What the CLI must not inherit from the test's environment: only the `env` a test passes chooses these. */
const NOT_INHERITED = ["DATABASE_URL", "DATA_DIR", "REDIS_URL", "SWITCHYARD_PASSWORD", "STRIPE_SECRET_KEY"];

/** Runs the CLI with `args` and the given settings, writes `stdin` to it and closes it; resolves when it exits. */
export function runCli(args: string[], env: Record<string, string>, stdin = ""): Promise<CliRun> {
  const base = { ...process.env };
  for (const name of NOT_INHERITED) delete base[name];
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ["scripts/cli.ts", ...args], { cwd: ROOT, env: { ...base, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** A successful --json run: exit 0, one JSON document on stdout, nothing on stderr. */
export function parsed<T = Record<string, unknown>>(run: CliRun): T {
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}
