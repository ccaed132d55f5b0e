// The operator's providers-and-models file (YAML or JSON), validated by one zod schema and loaded into the
// database at start, so the dashboard edits the same rows. See switchyard.config.example.yaml for every field.
// Secrets are written as ${ENV_VAR} references and encrypted before they reach the database.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { encryptSecret, type Keyring } from "@/lib/crypto";
import { env, envVar } from "@/lib/env";
import { newId } from "@/lib/ids";
import { lookupPriceData, type PriceSet } from "@/lib/billing/price-data";

export const PROTOCOLS = ["openai", "anthropic", "gemini"] as const;
export const CAPABILITIES = ["tools", "vision", "json_schema", "reasoning"] as const;

const MICROS_PER_USD = 1_000_000n;

/** "0.15" (USD per million tokens) -> 150000n (micro-dollars per million tokens), exactly, without floats. */
export function usdToMicros(value: string | number): bigint {
  const text = typeof value === "number" ? String(value) : value.trim();
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a price in USD with at most 6 decimals`);
  return BigInt(m[1]!) * MICROS_PER_USD + BigInt((m[2] ?? "").padEnd(6, "0"));
}

const Price = z.union([z.string(), z.number().nonnegative()]).transform((v, ctx) => {
  try {
    return usdToMicros(v);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});

const Name = z.string().regex(/^[A-Za-z0-9._:/-]{1,100}$/, "letters, digits and . _ : / - only");

export const ProviderConfig = z.object({
  name: Name,
  protocol: z.enum(PROTOCOLS),
  /** OpenAI-compatible vendor whose quirks apply (deepseek, qwen, mistral, groq, together, openrouter, vllm, ollama). */
  vendor: z.string().optional(),
  baseUrl: z.url(),
  apiKey: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  region: z.string().optional(),
  /** The provider does not retain request data (for requests that demand it). */
  noDataRetention: z.boolean().default(false),
  enabled: z.boolean().default(true),
});

export const DeploymentConfig = z.object({
  provider: Name,
  upstreamModel: z.string().min(1),
  priority: z.number().int().default(0),
  /**
   * USD per million tokens. Omitted: the shipped price data (lib/billing/price-data.json) for this vendor and
   * upstream model, else free. cachedInput defaults to input; cacheWrite (Anthropic) defaults to input.
   */
  prices: z
    .object({
      input: Price,
      cachedInput: Price.optional(),
      cacheWrite: Price.optional(),
      output: Price.default(0n),
    })
    .optional(),
  capabilities: z.array(z.enum(CAPABILITIES)).default([]),
  enabled: z.boolean().default(true),
});

export const ModelConfig = z.object({
  name: Name,
  aliases: z.array(Name).default([]),
  kind: z.enum(["chat", "embeddings"]).default("chat"),
  description: z.string().optional(),
  deployments: z.array(DeploymentConfig).min(1),
});

export const CatalogConfig = z
  .object({
    providers: z.array(ProviderConfig).default([]),
    models: z.array(ModelConfig).default([]),
  })
  .superRefine((cfg, ctx) => {
    const providers = new Set(cfg.providers.map((p) => p.name));
    const names = new Set<string>();
    cfg.models.forEach((m, i) => {
      for (const n of [m.name, ...m.aliases]) {
        if (names.has(n))
          ctx.addIssue({ code: "custom", path: ["models", i, "name"], message: `"${n}" is declared twice` });
        names.add(n);
      }
      m.deployments.forEach((d, j) => {
        if (!providers.has(d.provider)) {
          ctx.addIssue({
            code: "custom",
            path: ["models", i, "deployments", j, "provider"],
            message: `unknown provider "${d.provider}"`,
          });
        }
      });
    });
  });
export type CatalogConfig = z.output<typeof CatalogConfig>;

/** Replaces ${VAR} with the environment's value; an unset variable is an error naming it. */
function interpolate(value: unknown, where: string): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const v = envVar(name);
      if (v === undefined) throw new Error(`${where}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, `${where}[${i}]`));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, `${where}.${k}`)]));
  }
  return value;
}

export function parseCatalogConfig(text: string, file: string): CatalogConfig {
  const raw: unknown = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  const parsed = CatalogConfig.safeParse(interpolate(raw ?? {}, path.basename(file)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

/** The config file in use: SWITCHYARD_CONFIG, else ./switchyard.config.{yaml,yml,json}; null for the demo. */
export function findConfigFile(): string | null {
  const explicit = env().SWITCHYARD_CONFIG;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`SWITCHYARD_CONFIG: ${explicit} does not exist`);
    return path.resolve(explicit);
  }
  for (const name of ["switchyard.config.yaml", "switchyard.config.yml", "switchyard.config.json"]) {
    if (existsSync(name)) return path.resolve(name);
  }
  return null;
}

export function readCatalogConfig(file: string): CatalogConfig {
  return parseCatalogConfig(readFileSync(file, "utf8"), file);
}

export const DEMO_MODEL = "switchyard-demo";
export const DEMO_EMBEDDINGS_MODEL = "switchyard-demo-embeddings";

/** The zero-setup catalog: one clearly labelled demo model served by the built-in fake upstream. */
export function demoCatalogConfig(fakeBaseUrl: string): CatalogConfig {
  return CatalogConfig.parse({
    providers: [
      { name: "demo", protocol: "openai", baseUrl: `${fakeBaseUrl}/v1`, apiKey: "demo", region: "local" },
    ],
    models: [
      {
        name: DEMO_MODEL,
        description:
          "Demo model answered by Switchyard's built-in fake upstream (no real provider configured).",
        deployments: [
          {
            provider: "demo",
            upstreamModel: "fake-gpt",
            capabilities: ["tools", "vision", "json_schema"],
            // Priced like a small model so billing is visible in the demo (new workspaces get welcome credit).
            prices: { input: "0.50", output: "1.50" },
          },
        ],
      },
      {
        name: DEMO_EMBEDDINGS_MODEL,
        kind: "embeddings",
        description: "Demo embeddings from the built-in fake upstream.",
        deployments: [{ provider: "demo", upstreamModel: "fake-embedding", prices: { input: "0.02" } }],
      },
    ],
  });
}

/**
 * Upserts the config's providers, models and deployments (by name). Rows the file does not mention are left as
 * they are, except demo rows, which are disabled once a real config is loaded.
 */
export async function loadCatalogConfig(
  db: Db,
  cfg: CatalogConfig,
  masterKey: Keyring,
  opts: { demo: boolean },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const providerIds = new Map<string, string>();
    for (const p of cfg.providers) {
      const data = {
        protocol: p.protocol,
        vendor: p.vendor ?? null,
        baseUrl: p.baseUrl.replace(/\/+$/, ""),
        apiKeyEncrypted: p.apiKey ? encryptSecret(p.apiKey, masterKey) : null,
        headers: p.headers ?? undefined,
        region: p.region ?? null,
        noDataRetention: p.noDataRetention,
        enabled: p.enabled,
        isDemo: opts.demo,
      };
      const row = await tx.provider.upsert({
        where: { name: p.name },
        create: { id: newId("prv"), name: p.name, ...data },
        update: data,
      });
      providerIds.set(p.name, row.id);
    }
    if (!opts.demo) await tx.provider.updateMany({ where: { isDemo: true }, data: { enabled: false } });

    for (const m of cfg.models) {
      const data = { aliases: m.aliases, kind: m.kind, description: m.description ?? null };
      const model = await tx.model.upsert({
        where: { name: m.name },
        create: { id: newId("mdl"), name: m.name, ...data },
        update: data,
      });
      for (const d of m.deployments) {
        const providerId = providerIds.get(d.provider)!;
        const data = { priority: d.priority, capabilities: d.capabilities, enabled: d.enabled };
        const deployment = await tx.deployment.upsert({
          where: {
            modelId_providerId_upstreamModel: {
              modelId: model.id,
              providerId,
              upstreamModel: d.upstreamModel,
            },
          },
          create: {
            id: newId("dep"),
            modelId: model.id,
            providerId,
            upstreamModel: d.upstreamModel,
            ...data,
          },
          update: data,
        });
        const provider = cfg.providers.find((p) => p.name === d.provider)!;
        await seedPrice(tx, deployment.id, configuredPrices(d, provider));
      }
    }
  });
}

/** The prices a deployment's config asks for: its own, else the shipped price data, else free. */
function configuredPrices(
  d: z.output<typeof DeploymentConfig>,
  p: z.output<typeof ProviderConfig>,
): PriceSet & { source: string } {
  if (d.prices) {
    return {
      input: d.prices.input,
      cachedInput: d.prices.cachedInput ?? d.prices.input,
      cacheWrite: d.prices.cacheWrite ?? d.prices.input,
      output: d.prices.output,
      source: "config",
    };
  }
  const known = lookupPriceData(p.vendor ?? p.protocol, d.upstreamModel);
  if (known) return known;
  return { input: 0n, cachedInput: 0n, cacheWrite: 0n, output: 0n, source: "config" };
}

/**
 * The config seeds the price book without undoing the operator's edits: a new version (effective now) is written
 * only when the deployment has no price yet, or when the config's price differs from the last one the config
 * (or the price data) wrote.
 */
async function seedPrice(
  tx: Pick<Db, "price">,
  deploymentId: string,
  want: PriceSet & { source: string },
): Promise<void> {
  const lastSeeded = await tx.price.findFirst({
    where: { deploymentId, OR: [{ source: "config" }, { source: { startsWith: "price-data" } }, { source: "migrated" }] },
    orderBy: { effectiveFrom: "desc" },
  });
  if (lastSeeded && samePrices(lastSeeded, want)) return;
  if (!lastSeeded && (await tx.price.count({ where: { deploymentId } })) > 0) return;
  await tx.price.create({
    data: {
      id: newId("prc"),
      deploymentId,
      effectiveFrom: new Date(),
      inputMicros: want.input,
      cachedInputMicros: want.cachedInput,
      cacheWriteMicros: want.cacheWrite,
      outputMicros: want.output,
      source: want.source,
    },
  });
}

function samePrices(
  row: { inputMicros: bigint; cachedInputMicros: bigint; cacheWriteMicros: bigint; outputMicros: bigint },
  p: PriceSet,
): boolean {
  return (
    row.inputMicros === p.input &&
    row.cachedInputMicros === p.cachedInput &&
    row.cacheWriteMicros === p.cacheWrite &&
    row.outputMicros === p.output
  );
}
