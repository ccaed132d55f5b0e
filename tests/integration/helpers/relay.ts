/**
 * A whole relay for integration tests: a migrated database, a workspace with an API key, two fake upstreams
 * (speaking OpenAI, Anthropic and Gemini), a catalog pointing at them, and the gateway core on an ephemeral port.
 *
 *   const relay = await startRelay();
 *   const client = new OpenAI({ baseURL: relay.baseURL, apiKey: relay.key, maxRetries: 0 });
 *   relay.primary.setBehavior({ failStatus: 500 });   // steer a fake upstream
 *   await relay.close();
 *
 * Models: gpt-test (OpenAI protocol), claude-test (Anthropic), gemini-test (Gemini), each with tools, vision and
 * json_schema; embed-openai and embed-gemini; failover-test (primary first, then backup, both OpenAI protocol).
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { loadCatalogConfig, CatalogConfig } from "@/lib/catalog/config";
import { CatalogRuntime } from "@/lib/catalog/runtime";
import { startFakeProviders, type FakeUpstream } from "@/lib/fake-upstream";
import { createGateway, type Gateway } from "@/lib/gateway";
import type { PipelineDeps } from "@/lib/gateway/pipeline";
import { newId } from "@/lib/ids";
import { createMemoryStore, type Store } from "@/lib/store";
import { HealthTracker, type HealthOptions } from "@/lib/routing/health";
import { PolicyCache } from "@/lib/routing/policies";
import { apiKeyHint, generateApiKey, hashApiKey } from "@/lib/tenancy/key-format";
import { UsageRecorder } from "@/lib/usage/recorder";
import { CreditBook, type CreditBookOptions } from "@/lib/billing/credit-book";
import { RelayBilling } from "@/lib/billing/relay-billing";
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from "./db";

export interface Relay {
  base: string;
  baseURL: string;
  key: string;
  keyId: string;
  tenantId: string;
  db: TestDatabase;
  primary: FakeUpstream;
  backup: FakeUpstream;
  gateway: Gateway;
  usage: UsageRecorder;
  health: HealthTracker;
  /** The first instance's billing (null unless started with `billing`). */
  billing: RelayBilling | null;
  /** Moves the health tracker's clock forward (cooldowns, circuit cool-offs, latency windows). */
  advance(ms: number): void;
  /** Mounts another gateway instance on the same database and catalog (a second app instance). */
  addInstance(opts: {
    store: Store;
    health?: HealthOptions;
  }): Promise<{ baseURL: string; health: HealthTracker; gateway: Gateway; billing: RelayBilling | null }>;
  close(): Promise<void>;
}

const CAPS = ["tools", "vision", "json_schema", "reasoning"];

export function relayCatalog(primary: string, backup: string) {
  return CatalogConfig.parse({
    providers: [
      {
        name: "fake-openai",
        protocol: "openai",
        vendor: "openai",
        baseUrl: `${primary}/v1`,
        apiKey: "sk-fake-openai",
        region: "us",
      },
      {
        name: "fake-anthropic",
        protocol: "anthropic",
        baseUrl: primary,
        apiKey: "sk-ant-fake",
        region: "us",
      },
      { name: "fake-gemini", protocol: "gemini", baseUrl: primary, apiKey: "gemini-fake-key", region: "eu" },
      {
        name: "fake-backup",
        protocol: "openai",
        vendor: "openai",
        baseUrl: `${backup}/v1`,
        apiKey: "sk-fake-backup",
        region: "us",
      },
      {
        name: "fake-eu",
        protocol: "openai",
        vendor: "openai",
        baseUrl: `${backup}/v1`,
        apiKey: "sk-fake-eu",
        region: "eu-west",
      },
    ],
    models: [
      {
        name: "gpt-test",
        deployments: [
          {
            provider: "fake-openai",
            upstreamModel: "gpt-4o-mini",
            capabilities: CAPS,
            prices: { input: "0.15", output: "0.60" },
          },
        ],
      },
      {
        name: "claude-test",
        deployments: [
          {
            provider: "fake-anthropic",
            upstreamModel: "claude-sonnet-4-5",
            capabilities: CAPS,
            prices: { input: 3, output: 15 },
          },
        ],
      },
      {
        name: "gemini-test",
        deployments: [
          {
            provider: "fake-gemini",
            upstreamModel: "gemini-2.5-flash",
            capabilities: CAPS,
            prices: { input: "0.30", output: "2.50" },
          },
        ],
      },
      {
        name: "embed-openai",
        kind: "embeddings",
        deployments: [{ provider: "fake-openai", upstreamModel: "text-embedding-3-small" }],
      },
      {
        name: "embed-gemini",
        kind: "embeddings",
        deployments: [{ provider: "fake-gemini", upstreamModel: "gemini-embedding-001" }],
      },
      {
        name: "failover-test",
        deployments: [
          { provider: "fake-openai", upstreamModel: "primary-model", priority: 0, capabilities: CAPS },
          { provider: "fake-backup", upstreamModel: "backup-model", priority: 1, capabilities: CAPS },
        ],
      },
      { name: "text-only", deployments: [{ provider: "fake-openai", upstreamModel: "plain" }] },
      // Billing: only output is priced, so a request that writes exactly max_tokens costs exactly its hold.
      {
        name: "output-priced",
        deployments: [
          { provider: "fake-openai", upstreamModel: "out-model", prices: { input: 0, output: 2 } },
        ],
      },
      // Routing scenarios: A on the primary fake (cheaper), B on the backup fake, both in the US.
      {
        name: "ha-test",
        deployments: [
          {
            provider: "fake-openai",
            upstreamModel: "a-model",
            priority: 0,
            prices: { input: 1, output: 1 },
            capabilities: CAPS,
          },
          {
            provider: "fake-backup",
            upstreamModel: "b-model",
            priority: 1,
            prices: { input: 5, output: 5 },
            capabilities: CAPS,
          },
        ],
      },
      {
        name: "region-test",
        deployments: [
          { provider: "fake-openai", upstreamModel: "us-model", priority: 0, capabilities: CAPS },
          { provider: "fake-eu", upstreamModel: "eu-model", priority: 1, capabilities: CAPS },
        ],
      },
    ],
  });
}

export async function startRelay(
  opts: {
    kind?: TestDatabaseKind;
    timeouts?: PipelineDeps["timeouts"];
    store?: Store;
    health?: HealthOptions;
    /** Bill requests (credit holds from leases, charges in the ledger); options for each instance's book. */
    billing?: boolean | Omit<CreditBookOptions, "getDb">;
  } = {},
): Promise<Relay> {
  const db = await createTestDatabase(opts.kind ?? "pglite");
  const [primary, backup] = await Promise.all([startFakeProviders(), startFakeProviders()]);
  const masterKey = randomBytes(32);
  await loadCatalogConfig(db.prisma, relayCatalog(primary.url, backup.url), masterKey, { demo: false });
  const catalog = new CatalogRuntime(async () => db.prisma, masterKey, 60_000);
  await catalog.start();

  const tenantId = newId("tnt");
  await db.prisma.tenant.create({ data: { id: tenantId, slug: tenantId.toLowerCase(), name: "Relay test" } });
  const key = generateApiKey();
  const keyId = newId("key");
  await db.prisma.apiKey.create({
    data: { id: keyId, tenantId, name: "relay", hash: hashApiKey(key), hint: apiKeyHint(key) },
  });

  let offset = 0;
  const now = () => Date.now() + offset;
  const closers: Array<() => Promise<void>> = [];

  async function mount(store: Store, healthOpts: HealthOptions | undefined, usage?: UsageRecorder) {
    const health = new HealthTracker({ now, ...healthOpts, store });
    await health.start();
    const policies = new PolicyCache(async () => db.prisma, 0);
    await policies.start(store);
    const getDb = async () => db.prisma;
    const billing = opts.billing
      ? new RelayBilling({
          getDb,
          book: new CreditBook({ getDb, ...(typeof opts.billing === "object" ? opts.billing : {}) }),
        })
      : null;
    const gateway = await createGateway({
      billing: billing ?? undefined,
      getDb: () => db.prisma,
      store,
      catalog: catalog.get,
      usage,
      timeouts: opts.timeouts,
      health,
      policies,
    });
    const server = http.createServer(gateway.handle);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await gateway.close();
      await policies.stop();
      await health.stop();
    });
    return { gateway, health, billing, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  const usage = new UsageRecorder({ getDb: async () => db.prisma, intervalMs: 50 });
  const first = await mount(opts.store ?? createMemoryStore(), opts.health, usage);
  const { gateway, health, base, billing } = first;
  return {
    base,
    baseURL: `${base}/api/v1`,
    key,
    keyId,
    tenantId,
    db,
    primary,
    backup,
    gateway,
    usage,
    health,
    billing,
    advance: (ms) => {
      offset += ms;
    },
    async addInstance({ store, health: healthOpts }) {
      const extra = await mount(store, healthOpts);
      return {
        baseURL: `${extra.base}/api/v1`,
        health: extra.health,
        gateway: extra.gateway,
        billing: extra.billing,
      };
    },
    async close() {
      for (const close of closers.reverse()) await close();
      catalog.stop();
      await Promise.all([primary.close(), backup.close()]);
      await db.drop();
    },
  };
}
