// A catalog deployment for routing unit tests, with defaults for everything a test does not care about.
import type { CatalogDeployment } from "@/lib/catalog/catalog";

export interface DepOpts {
  region?: string | null;
  priority?: number;
  /** USD per million tokens. */
  input?: number;
  output?: number;
  caps?: string[];
  upstream?: string;
  zdr?: boolean;
}

export function testDeployment(id: string, provider: string, o: DepOpts = {}): CatalogDeployment {
  return {
    id,
    modelId: "mdl_1",
    provider: {
      id: `prv_${provider}`,
      name: provider,
      protocol: "openai",
      vendor: null,
      baseUrl: "http://x",
      apiKey: "",
      headers: {},
      region: o.region === undefined ? "us" : o.region,
      isDemo: false,
      noDataRetention: o.zdr ?? false,
    },
    upstreamModel: o.upstream ?? "gpt-4o",
    priority: o.priority ?? 0,
    prices: {
      input: BigInt(Math.round((o.input ?? 1) * 1e6)),
      cachedInput: 0n,
      cacheWrite: 0n,
      output: BigInt(Math.round((o.output ?? 1) * 1e6)),
    },
    capabilities: new Set(o.caps ?? ["tools", "vision", "json_schema"]),
  };
}
