// The soak's world: a fresh PostgreSQL database on the local server (created, migrated, seeded with workspaces,
// keys and credit, dropped at the end), and the providers/models config file pointing at the fake upstreams.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import pg from "pg";
import { postEntry } from "@/lib/billing/ledger";
import { saveBillingSettings } from "@/lib/billing/settings";
import { connectDatabase, type Db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { createApiKey } from "@/lib/tenancy/api-keys";
import { getOperatorCtx } from "@/lib/tenancy/context";
import { createUserWithWorkspace } from "@/lib/tenancy/users";

export const PG = { host: "127.0.0.1", port: 5432, user: "postgres" };
export const REDIS = { host: "127.0.0.1", port: 6379 };

/** Deletes this run's keys from the shared Redis (every key the instances wrote carries the prefix). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const r = new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    let cursor = "0";
    do {
      const [next, found] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (found.length) await r.del(...found);
    } while (cursor !== "0");
  } finally {
    r.disconnect();
  }
}

export interface SoakDatabase {
  name: string;
  /** Direct URL (the soak's own checks); the instances go through the PostgreSQL proxy instead. */
  url: string;
  urlVia(port: number): string;
  prisma: Db;
  close(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ ...PG, database: "postgres" });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createSoakDatabase(prefix = "switchyard_soak"): Promise<SoakDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const urlVia = (port: number) => `postgresql://${PG.user}@${PG.host}:${port}/${name}`;
  const url = urlVia(PG.port);
  const state = await connectDatabase({ kind: "postgres", url });
  await applyMigrations(state.factory);
  return {
    name,
    url,
    urlVia,
    prisma: state.prisma,
    async close() {
      await state.prisma.$disconnect().catch(() => {});
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

export interface SoakKey {
  key: string;
  keyId: string;
  tenantId: string;
  workspace: string;
}

export interface SoakWorkspace {
  tenantId: string;
  slug: string;
  creditMicros: bigint;
  keys: SoakKey[];
}

/**
 * Workspaces made the way sign-up and the CLI make them, each credited with a top-up; with `poorCreditMicros`
 * the last one gets only that little credit, so it runs out during the soak (402 insufficient_quota).
 */
export async function seedWorkspaces(
  db: Db,
  opts: { workspaces: number; keysPerWorkspace: number; creditMicros: bigint; poorCreditMicros?: bigint },
): Promise<SoakWorkspace[]> {
  // Credit is exactly the top-ups below: no sign-up credit.
  await saveBillingSettings(db, { signupCreditMicros: "0" }, null);
  const out: SoakWorkspace[] = [];
  for (let w = 0; w < opts.workspaces; w++) {
    const poor = opts.poorCreditMicros !== undefined && w === opts.workspaces - 1;
    const { tenant } = await createUserWithWorkspace(db, {
      email: `soak-${w}@example.com`,
      password: `Soak-${randomBytes(9).toString("base64url")}-7q!`,
      workspaceName: poor ? "Soak low credit" : `Soak ${w}`,
    });
    const credit = poor ? opts.poorCreditMicros! : opts.creditMicros;
    await postEntry(db, {
      tenantId: tenant.id,
      kind: "topup",
      amountMicros: credit,
      reference: `soak-topup-${tenant.id}`,
      description: "soak test credit",
      createdById: null,
      metadata: {},
    });
    const ctx = await getOperatorCtx(db, tenant.id);
    const keys: SoakKey[] = [];
    for (let k = 0; k < opts.keysPerWorkspace; k++) {
      const { key, record } = await createApiKey(ctx, { name: `soak-${k}` });
      keys.push({ key, keyId: record.id, tenantId: tenant.id, workspace: tenant.slug });
    }
    out.push({ tenantId: tenant.id, slug: tenant.slug, creditMicros: credit, keys });
  }
  return out;
}

/** Model names the traffic uses (see writeConfig). */
export const MODELS = {
  /** Primary fake only (OpenAI protocol): fails while the primary is down. */
  plain: "soak-gpt",
  /** Anthropic protocol on the primary fake. */
  anthropic: "soak-claude",
  /** Primary, then backup: keeps answering while the primary is down. */
  failover: "soak-failover",
} as const;

/** The providers/models config file (YAML is a superset of JSON): every deployment priced. */
export function writeConfig(file: string, primary: string, backup: string): void {
  const config = {
    providers: [
      { name: "soak-openai", protocol: "openai", baseUrl: `${primary}/v1`, apiKey: "sk-fake-openai" },
      { name: "soak-anthropic", protocol: "anthropic", baseUrl: primary, apiKey: "sk-ant-fake" },
      { name: "soak-backup", protocol: "openai", baseUrl: `${backup}/v1`, apiKey: "sk-fake-backup" },
    ],
    models: [
      {
        name: MODELS.plain,
        deployments: [
          { provider: "soak-openai", upstreamModel: "gpt-4o-mini", prices: { input: 1, output: 4 } },
        ],
      },
      {
        name: MODELS.anthropic,
        deployments: [
          {
            provider: "soak-anthropic",
            upstreamModel: "claude-sonnet-4-5",
            prices: { input: 3, output: 15 },
          },
        ],
      },
      {
        name: MODELS.failover,
        deployments: [
          {
            provider: "soak-openai",
            upstreamModel: "primary-model",
            priority: 0,
            prices: { input: 1, output: 2 },
          },
          {
            provider: "soak-backup",
            upstreamModel: "backup-model",
            priority: 1,
            prices: { input: 2, output: 4 },
          },
        ],
      },
    ],
  };
  writeFileSync(file, `# written by scripts/soak.ts\n${JSON.stringify(config, null, 2)}\n`);
}
