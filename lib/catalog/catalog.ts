// The relay's in-memory view of providers, models and deployments. The request path reads only this snapshot (no
// database round trip); it is reloaded in the background every few seconds and at once after a local change, so
// edits made in the dashboard or the config file apply without a restart.
import type { Db } from "@/lib/db/client";
import { decryptSecret, type Keyring } from "@/lib/crypto";
import type { VendorQuirks } from "@/lib/gateway/providers/types";
import type { PriceSet } from "@/lib/billing/price-data";

export type Protocol = "openai" | "anthropic" | "gemini";

export interface CatalogProvider {
  id: string;
  name: string;
  protocol: Protocol;
  vendor: string | null;
  baseUrl: string;
  apiKey: string;
  headers: Record<string, string>;
  region: string | null;
  /** Does not retain request data (requests with `provider.data_collection: "deny"` only go to these). */
  noDataRetention: boolean;
  isDemo: boolean;
  quirks?: VendorQuirks;
}

export interface CatalogDeployment {
  id: string;
  modelId: string;
  provider: CatalogProvider;
  upstreamModel: string;
  priority: number;
  /** Integer micro-dollars per million tokens: the price book's version in force when the catalog loaded. */
  prices: PriceSet;
  capabilities: ReadonlySet<string>;
}

export interface CatalogModel {
  id: string;
  name: string;
  aliases: string[];
  kind: "chat" | "embeddings";
  description: string | null;
  createdAt: Date;
  /** Enabled deployments on enabled providers, in priority order. */
  deployments: CatalogDeployment[];
}

export class Catalog {
  private readonly byName = new Map<string, CatalogModel>();

  constructor(
    readonly models: CatalogModel[],
    readonly loadedAt = Date.now(),
  ) {
    for (const m of models) {
      this.byName.set(m.name, m);
      for (const a of m.aliases) this.byName.set(a, m);
    }
  }

  /** The model a client's `model` names (public name or alias), or undefined. */
  resolve(name: string): CatalogModel | undefined {
    return this.byName.get(name);
  }
}

export async function loadCatalog(
  db: Db,
  masterKey: Keyring,
  quirksFor: (vendor: string | null, protocol: Protocol) => VendorQuirks | undefined = () => undefined,
): Promise<Catalog> {
  const now = Date.now();
  const models = await db.model.findMany({
    orderBy: { name: "asc" },
    include: {
      deployments: {
        where: { enabled: true, provider: { enabled: true } },
        include: { provider: true, prices: { orderBy: { effectiveFrom: "desc" } } },
        orderBy: [{ priority: "asc" }, { createdAt: "asc" }],
      },
    },
  });
  const providers = new Map<string, CatalogProvider>();
  const providerOf = (p: (typeof models)[number]["deployments"][number]["provider"]): CatalogProvider => {
    let cp = providers.get(p.id);
    if (!cp) {
      const protocol = p.protocol as Protocol;
      cp = {
        id: p.id,
        name: p.name,
        protocol,
        vendor: p.vendor,
        baseUrl: p.baseUrl,
        apiKey: p.apiKeyEncrypted ? decryptSecret(p.apiKeyEncrypted, masterKey) : "",
        headers: (p.headers as Record<string, string> | null) ?? {},
        region: p.region,
        noDataRetention: p.noDataRetention,
        isDemo: p.isDemo,
        quirks: quirksFor(p.vendor, protocol),
      };
      providers.set(p.id, cp);
    }
    return cp;
  };
  return new Catalog(
    models
      .filter((m) => m.deployments.length > 0)
      .map((m) => ({
        id: m.id,
        name: m.name,
        aliases: m.aliases,
        kind: m.kind === "embeddings" ? "embeddings" : "chat",
        description: m.description,
        createdAt: m.createdAt,
        deployments: m.deployments.map((d) => ({
          id: d.id,
          modelId: m.id,
          provider: providerOf(d.provider),
          upstreamModel: d.upstreamModel,
          priority: d.priority,
          prices: currentPrice(d.prices, now),
          capabilities: new Set(d.capabilities),
        })),
      })),
  );
}

const FREE: PriceSet = { input: 0n, cachedInput: 0n, cacheWrite: 0n, output: 0n };

/** The version in force at `now` from a deployment's price rows, newest first (none: free). */
function currentPrice(
  rows: { effectiveFrom: Date; inputMicros: bigint; cachedInputMicros: bigint; cacheWriteMicros: bigint; outputMicros: bigint }[],
  now: number,
): PriceSet {
  const row = rows.find((r) => r.effectiveFrom.getTime() <= now);
  if (!row) return FREE;
  return {
    input: row.inputMicros,
    cachedInput: row.cachedInputMicros,
    cacheWrite: row.cacheWriteMicros,
    output: row.outputMicros,
  };
}
