// What every CLI command module shares: the command shape, flag helpers and usage errors. Commands live in
// scripts/cli.ts (accounts, keys, routing) and scripts/cli/<area>.ts (billing, prices, security), one table each.
import type { ParseArgsConfig } from "node:util";
import type { Db } from "@/lib/db/client";
import { closeStore, getStore, type Store } from "@/lib/store";

export type Flags = Record<string, string | boolean | undefined>;
export type Options = NonNullable<ParseArgsConfig["options"]>;

/** The open database, with the migrations applied when it was opened. */
export interface Session {
  db: Db;
  database: string;
  applied: string[];
}

export interface Command {
  synopsis: string;
  about: string;
  options: Options;
  run(flags: Flags, open: () => Promise<Session>): Promise<{ json: unknown; text: string }>;
}

export class UsageError extends Error {}

export const str = { type: "string" } as const;

export function required(f: Flags, name: string): string {
  const v = f[name];
  if (typeof v !== "string" || v.trim() === "") throw new UsageError(`Missing --${name}.`);
  return v;
}

export function optional(f: Flags, name: string): string | undefined {
  const v = f[name];
  return typeof v === "string" ? v : undefined;
}

/** Runs `fn` with the shared store (Redis when REDIS_URL is set, so servers hear of the change), then closes it. */
export async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  try {
    return await fn(getStore());
  } finally {
    await closeStore().catch(() => {});
  }
}

export function workspaceJson(t: { id: string; slug: string; name: string }) {
  return { id: t.id, slug: t.slug, name: t.name };
}
