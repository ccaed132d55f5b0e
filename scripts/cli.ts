// Operator CLI: `npm run cli -- <command> [flags]`; `--help` lists the commands. With `--json` a command prints one
// JSON document on stdout and nothing else. Errors go to stderr as one line, with exit code 2 for bad usage and 1
// for anything else. Handlers only read flags, call lib/tenancy and print.
//
// The CLI uses the configured database (DATABASE_URL, or the embedded PGlite in DATA_DIR), applies pending
// migrations before any command (so a fresh data dir works), and refuses the embedded database while a server
// holds it: two processes on one PGlite directory corrupt it.
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ZodError } from "zod";
import { configuredTarget, connectDatabase, describeTarget } from "@/lib/db/client";
import { holdDatabase } from "@/lib/db/lock";
import { applyMigrations } from "@/lib/db/migrate";
import { AppError, toErrorResponse } from "@/lib/errors";
import { formatUsd } from "@/lib/billing/ledger";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/tenancy/api-keys";
import { getOperatorCtx, type TenantCtx } from "@/lib/tenancy/context";
import { setKeyLimits, setWorkspaceLimits } from "@/lib/tenancy/limits";
import { describeWorkspaceRouting } from "@/lib/routing/explain";
import { savePlatformPolicy, saveWorkspacePolicy } from "@/lib/routing/policies";
import { policyIssues } from "@/lib/routing/policy";
import { createWorkspaceForEmail, getOperatorCtxForApiKey } from "@/lib/tenancy/operator";
import { createUserWithWorkspace } from "@/lib/tenancy/users";
import { setPlatformAdmin } from "@/lib/admin/operator";
import { listAllWorkspaces } from "@/lib/tenancy/workspaces";
import {
  optional,
  required,
  str,
  UsageError,
  withStore,
  workspaceJson,
  type Command,
  type Flags,
  type Session,
} from "./cli/common";
import { billingCommands } from "./cli/billing";
import { priceCommands } from "./cli/prices";
import { securityCommands } from "./cli/security";



const commands: Record<string, Command> = {
  ...billingCommands,
  ...priceCommands,
  ...securityCommands,
  "user create": {
    synopsis: "--email E --password P [--name N] [--workspace-name W]",
    about:
      "Create a user and their own workspace. The password may instead come from --password-stdin or SWITCHYARD_PASSWORD.",
    options: {
      email: str,
      password: str,
      "password-stdin": { type: "boolean" },
      name: str,
      "workspace-name": str,
    },
    async run(f, open) {
      const email = required(f, "email");
      const password = await readPassword(f);
      const { db } = await open();
      const { user, tenant } = await createUserWithWorkspace(db, {
        email,
        password,
        name: optional(f, "name"),
        workspaceName: optional(f, "workspace-name"),
      });
      return {
        json: {
          user: { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt },
          workspace: workspaceJson(tenant),
        },
        text: `Created user ${user.email} (${user.id}) with workspace "${tenant.name}" (${tenant.slug}).`,
      };
    },
  },

  "user admin": {
    synopsis: "--email E [--revoke]",
    about:
      "Make an existing user a platform admin (the operator console at /admin), or take the role away with --revoke. Audited.",
    options: { email: str, revoke: { type: "boolean" } },
    async run(f, open) {
      const email = required(f, "email");
      const admin = f.revoke !== true;
      const { db } = await open();
      const user = await setPlatformAdmin(db, email, admin);
      return {
        json: { user },
        text: admin
          ? `${user.email} (${user.id}) is a platform admin: the operator console is at /admin.`
          : `${user.email} (${user.id}) is no longer a platform admin.`,
      };
    },
  },

  "workspace create": {
    synopsis: "--name N --owner EMAIL",
    about: "Create a workspace owned by an existing user.",
    options: { name: str, owner: str },
    async run(f, open) {
      const name = required(f, "name");
      const ownerEmail = required(f, "owner");
      const { db } = await open();
      const { tenant, owner } = await createWorkspaceForEmail(db, { name, ownerEmail });
      return {
        json: { workspace: { ...workspaceJson(tenant), createdAt: tenant.createdAt }, owner },
        text: `Created workspace "${tenant.name}" (${tenant.slug}, ${tenant.id}) owned by ${owner.email}.`,
      };
    },
  },

  "workspace list": {
    synopsis: "",
    about: "List every workspace with its member and key counts.",
    options: {},
    async run(_f, open) {
      const { db } = await open();
      const workspaces = await listAllWorkspaces(db);
      const lines = workspaces.map(
        (w) =>
          `${w.slug}  ${w.id}  "${w.name}"  members: ${w.members}  keys: ${w.keys}  created ${iso(w.createdAt)}`,
      );
      return { json: { workspaces }, text: lines.length ? lines.join("\n") : "No workspaces." };
    },
  },

  "key create": {
    synopsis: "--workspace SLUG_OR_ID --name N [--expires ISO_DATE]",
    about: "Create an API key. The key is printed once and cannot be shown again.",
    options: { workspace: str, name: str, expires: str },
    async run(f, open) {
      const workspace = required(f, "workspace");
      const name = required(f, "name");
      const ctx = await getOperatorCtx((await open()).db, workspace);
      const { key, record } = await createApiKey(ctx, { name, expiresAt: optional(f, "expires") });
      return {
        json: { key, ...record, workspace: ctx.tenant },
        text: `${key}\nCreated API key ${record.id} "${record.name}" in ${ctx.tenant.slug}. Store it now: it cannot be shown again.`,
      };
    },
  },

  "key list": {
    synopsis: "--workspace SLUG_OR_ID",
    about: "List a workspace's API keys (hints only, never keys or hashes).",
    options: { workspace: str },
    async run(f, open) {
      const workspace = required(f, "workspace");
      const ctx = await getOperatorCtx((await open()).db, workspace);
      const keys = await listApiKeys(ctx);
      const lines = keys.map(
        (k) =>
          `${k.id}  ${k.hint}  "${k.name}"  created ${iso(k.createdAt)}` +
          (k.expiresAt ? `  expires ${iso(k.expiresAt)}` : "") +
          (k.revokedAt ? `  REVOKED ${iso(k.revokedAt)}` : ""),
      );
      return {
        json: { workspace: ctx.tenant, keys },
        text: lines.length ? lines.join("\n") : `No API keys in ${ctx.tenant.slug}.`,
      };
    },
  },

  "key revoke": {
    synopsis: "--id KEY_ID [--workspace SLUG_OR_ID]",
    about: "Revoke an API key (takes effect on every server instance). Revoking twice is harmless.",
    options: { id: str, workspace: str },
    async run(f, open) {
      const id = required(f, "id");
      const workspace = optional(f, "workspace");
      const { db } = await open();
      const ctx: TenantCtx = workspace
        ? await getOperatorCtx(db, workspace)
        : await getOperatorCtxForApiKey(db, id);
      const revoked = await revokeApiKey(ctx, id);
      return {
        json: { ...revoked, workspace: ctx.tenant },
        text: `Revoked API key ${revoked.id} in ${ctx.tenant.slug} (at ${iso(revoked.revokedAt)}).`,
      };
    },
  },

  "key limits": {
    synopsis:
      "--id KEY_ID [--workspace SLUG_OR_ID] [--rpm N|none] [--tpm N|none] [--spend USD|none] [--period monthly|total] [--models A,B|all] [--expires DATE|none]",
    about:
      "Set an API key's requests and tokens per minute, spend limit (exact USD, per UTC month or in total), allowed models and expiry (none removes a limit; every server instance applies it within seconds). Without flags, show them.",
    options: { id: str, workspace: str, rpm: str, tpm: str, spend: str, period: str, models: str, expires: str },
    async run(f, open) {
      const id = required(f, "id");
      const workspace = optional(f, "workspace");
      const models = optional(f, "models");
      const expires = optional(f, "expires");
      // Amounts, periods, model names and dates are checked by setKeyLimits, like the dashboard's.
      const input = {
        rpm: limitFlag(f, "rpm"),
        tpm: limitFlag(f, "tpm"),
        spendLimit: optional(f, "spend"),
        spendLimitPeriod: optional(f, "period") as "monthly" | "total" | undefined,
        allowedModels: models === undefined ? undefined : models.trim() === "all" ? [] : models.split(","),
        expiresAt: expires?.trim() === "none" ? null : expires,
      };
      const { db } = await open();
      const ctx: TenantCtx = workspace
        ? await getOperatorCtx(db, workspace)
        : await getOperatorCtxForApiKey(db, id);
      const key = await withStore(() => setKeyLimits(ctx, id, input));
      const spend =
        key.spendLimitMicros === null
          ? "none"
          : `${formatUsd(key.spendLimitMicros)} ${key.spendLimitPeriod === "total" ? "in total" : "per month"}`;
      return {
        json: { ...key, workspace: ctx.tenant },
        text:
          `API key ${key.id} "${key.name}" in ${ctx.tenant.slug}: rpm ${limitText(key.rpmLimit)}, tpm ${limitText(key.tpmLimit)}, ` +
          `spend ${spend}, models ${key.allowedModels.length ? key.allowedModels.join(",") : "all"}, ` +
          `expires ${key.expiresAt ? iso(key.expiresAt) : "never"}.`,
      };
    },
  },

  "workspace limits": {
    synopsis: "--workspace SLUG_OR_ID [--rpm N|none] [--tpm N|none] [--cache on|off] [--cache-ttl SECONDS]",
    about:
      "Set a workspace's requests and tokens per minute (none removes a limit) and its response cache (TTL 1-86400 s); every server instance applies them within seconds. Without flags, show them.",
    options: { workspace: str, rpm: str, tpm: str, cache: str, "cache-ttl": str },
    async run(f, open) {
      const workspace = required(f, "workspace");
      const cache = optional(f, "cache");
      if (cache !== undefined && cache !== "on" && cache !== "off")
        throw new UsageError("--cache must be on or off.");
      const ttl = optional(f, "cache-ttl");
      if (ttl !== undefined && !/^\d+$/.test(ttl))
        throw new UsageError("--cache-ttl must be a whole number of seconds.");
      const input = {
        rpm: limitFlag(f, "rpm"),
        tpm: limitFlag(f, "tpm"),
        ...(cache !== undefined && { cacheEnabled: cache === "on" }),
        ...(ttl !== undefined && { cacheTtlSeconds: Number(ttl) }),
      };
      const ctx = await getOperatorCtx((await open()).db, workspace);
      const limits = await withStore(() => setWorkspaceLimits(ctx, input));
      return {
        json: { workspace: ctx.tenant, ...limits },
        text:
          `Workspace ${ctx.tenant.slug}: rpm ${limitText(limits.rpmLimit)}, tpm ${limitText(limits.tpmLimit)}, ` +
          `cache ${limits.cacheEnabled ? "on" : "off"} (ttl ${limits.cacheTtlSeconds} s).`,
      };
    },
  },

  "routing show": {
    synopsis: "--workspace SLUG_OR_ID",
    about:
      "Show a workspace's routing policy, the platform default, the merged policy the relay applies, and every version.",
    options: { workspace: str },
    async run(f, open) {
      const workspace = required(f, "workspace");
      const ctx = await getOperatorCtx((await open()).db, workspace);
      const r = await describeWorkspaceRouting(ctx);
      const versions = r.versions.map(
        (v) =>
          `  v${v.version}  ${iso(v.createdAt)}  ${v.createdBy ?? "operator"}${v.note ? `  "${v.note}"` : ""}`,
      );
      return {
        json: { workspace: ctx.tenant, ...r },
        text: [
          r.policy
            ? `Routing policy of ${ctx.tenant.slug}, version ${r.version}:\n${toJson(r.policy)}`
            : `${ctx.tenant.slug} has no routing policy of its own.`,
          r.platformDefault
            ? `Platform default:\n${toJson(r.platformDefault)}`
            : "Platform default: none (priority order over every deployment).",
          `In force (merged):\n${toJson(r.effective)}`,
          versions.length ? `Versions:\n${versions.join("\n")}` : "No versions.",
        ].join("\n\n"),
      };
    },
  },

  "routing set": {
    synopsis: "--workspace SLUG_OR_ID --file POLICY.json [--note N]",
    about:
      "Save a workspace's routing policy (JSON or YAML file) as a new version; every server instance applies it within seconds. An invalid file lists each issue with its path.",
    options: { workspace: str, file: str, note: str },
    async run(f, open) {
      const workspace = required(f, "workspace");
      const policy = readPolicyFile(required(f, "file"));
      const ctx = await getOperatorCtx((await open()).db, workspace);
      const saved = await withStore((store) => saveWorkspacePolicy(ctx, policy, optional(f, "note"), store));
      return {
        json: { workspace: ctx.tenant, ...saved },
        text: `Saved routing policy version ${saved.version} of ${ctx.tenant.slug}.`,
      };
    },
  },

  "routing set-default": {
    synopsis: "--file POLICY.json [--note N]",
    about:
      "Save the platform's default routing policy (applies where a workspace has no rule of its own; its regions always apply) as a new version.",
    options: { file: str, note: str },
    async run(f, open) {
      const policy = readPolicyFile(required(f, "file"));
      const { db } = await open();
      const saved = await withStore((store) =>
        savePlatformPolicy(db, policy, null, optional(f, "note"), store),
      );
      return { json: saved, text: `Saved platform default routing policy version ${saved.version}.` };
    },
  },

  migrate: {
    synopsis: "",
    about: "Apply pending database migrations (every other command does this first too).",
    options: {},
    async run(_f, open) {
      const { database, applied } = await open();
      return {
        json: { database, applied },
        text: applied.length
          ? `Applied ${applied.length} migration(s) to ${database}:\n  ${applied.join("\n  ")}`
          : `No pending migrations on ${database}.`,
      };
    },
  },
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const rows = Object.entries(commands).map(
    ([name, c]) => `  ${name.padEnd(width)}  ${c.synopsis}\n  ${" ".repeat(width)}  ${c.about}`,
  );
  return [
    "Switchyard operator CLI",
    "",
    "Usage: npm run cli -- <command> [flags] [--json]",
    "",
    "Commands:",
    ...rows,
    "",
    "Every command takes --json (one JSON document on stdout) and --help.",
    "Database: DATABASE_URL when set, otherwise the embedded database in DATA_DIR (default ./data).",
  ].join("\n");
}



/** --password, --password-stdin, or SWITCHYARD_PASSWORD (a CLI input, not app configuration, so not in lib/env). */
async function readPassword(f: Flags): Promise<string> {
  if (f.password !== undefined && f["password-stdin"]) {
    throw new UsageError("Pass either --password or --password-stdin, not both.");
  }
  if (f["password-stdin"]) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const password = Buffer.concat(chunks)
      .toString("utf8")
      .replace(/\r?\n$/, "");
    if (!password) throw new UsageError("No password on stdin.");
    return password;
  }
  const password = optional(f, "password") ?? process.env.SWITCHYARD_PASSWORD;
  if (!password) throw new UsageError("Missing --password (or --password-stdin, or SWITCHYARD_PASSWORD).");
  return password;
}

/** --rpm/--tpm: a whole number, or "none" to remove the limit; undefined when the flag is absent. */
function limitFlag(f: Flags, name: string): number | null | undefined {
  const v = optional(f, name);
  if (v === undefined) return undefined;
  if (v.trim().toLowerCase() === "none") return null;
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`--${name} must be a whole number or "none".`);
  return Number(v);
}

function limitText(limit: number | null): string {
  return limit === null ? "none" : `${limit}/min`;
}

/** A routing policy file (JSON, or YAML by extension), checked before any database is opened. */
function readPolicyFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`Cannot read ${file}: ${(err as Error).message}`);
  }
  let document: unknown;
  try {
    document = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${file} is not valid ${/\.ya?ml$/i.test(file) ? "YAML" : "JSON"}: ${(err as Error).message}`,
    );
  }
  const issues = policyIssues(document);
  if (issues.length) {
    const lines = issues.map((i) => `  ${i.path || "(document)"}: ${i.message}`);
    throw new Error(
      `${file} is not a valid routing policy (${issues.length} issue${issues.length > 1 ? "s" : ""}):\n${lines.join("\n")}`,
    );
  }
  return document;
}



function iso(d: Date): string {
  return d.toISOString();
}

/** Dates serialize as ISO strings on their own; BigInt needs converting. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

function resolveCommand(argv: string[]): { name: string; command: Command; rest: string[] } | "help" {
  const firstFlag = argv.findIndex((a) => a.startsWith("-"));
  const words = firstFlag === -1 ? argv : argv.slice(0, firstFlag);
  if (words.length === 0) {
    if (argv.includes("--help") || argv.includes("-h")) return "help";
    throw new UsageError("Missing command. Run with --help for the list.");
  }
  if (words[0] === "help") return "help";
  const name = [words.slice(0, 2).join(" "), words[0]!].find((n) => n in commands);
  if (!name) {
    throw new UsageError(`Unknown command "${words.slice(0, 2).join(" ")}". Run with --help for the list.`);
  }
  return { name, command: commands[name]!, rest: argv.slice(name.split(" ").length) };
}

function parseFlags(command: Command, rest: string[]): Flags {
  try {
    const { values } = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    return values as Flags;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UsageError(message.replace(/\s*\n\s*/g, " "));
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof AppError || err instanceof ZodError) return toErrorResponse(err).body.error.message;
  return err instanceof Error ? err.message : String(err);
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  let close = async () => {};
  let usageHint = "";
  try {
    const resolved = resolveCommand(argv);
    if (resolved === "help") {
      console.log(help());
      return 0;
    }
    const { name, command, rest } = resolved;
    usageHint = ` See: npm run cli -- ${name} --help`;
    const flags = parseFlags(command, rest);
    if (flags.help) {
      console.log(`Usage: npm run cli -- ${name} ${command.synopsis} [--json]\n\n${command.about}`);
      return 0;
    }
    let session: Promise<Session> | undefined;
    const open = () => {
      session ??= (async () => {
        const target = configuredTarget();
        holdDatabase(target); // throws when a server holds the embedded database
        const { prisma, factory, pglite } = await connectDatabase(target);
        close = async () => {
          await prisma.$disconnect();
          await pglite?.close();
        };
        const database = describeTarget(target);
        const applied = await applyMigrations(factory);
        if (applied.length && !json && name !== "migrate") {
          console.error(`Applied ${applied.length} pending migration(s) to ${database}.`);
        }
        return { db: prisma, database, applied };
      })();
      return session;
    };
    const out = await command.run(flags, open);
    console.log(json ? toJson(out.json) : out.text);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}${usageHint}`);
      return 2;
    }
    console.error(`error: ${errorMessage(err)}`);
    return 1;
  } finally {
    await close().catch(() => {});
  }
}

// The wasm schema engine keeps the event loop alive for a while: exit explicitly.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${errorMessage(err)}`);
    process.exit(1);
  },
);
