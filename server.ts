// Switchyard's server entry (`npm run dev` runs it with tsx --dev; `npm start` runs the esbuild bundle in dist/).
// The relay (`/api/v1/*`) is answered by the gateway core before Next's router, with node streams end to end;
// every other request goes to Next (pages, server actions, route handlers). See docs in lib/gateway/index.ts.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import {
  closeDb,
  configuredTarget,
  describeTarget,
  getDb,
  getDbState,
  runPgliteOnThread,
  type Db,
} from "@/lib/db/client";
import { holdDatabase } from "@/lib/db/lock";
import { PgliteThread } from "@/lib/db/pglite-thread";
import { applyMigrations } from "@/lib/db/migrate";
import { env, resetEnvCache } from "@/lib/env";
import { createGateway, getProcessKeyCache, isGatewayPath } from "@/lib/gateway";
import { requestIdFor } from "@/lib/gateway/http";
import { applyServerLimits } from "@/lib/http/server-limits";
import { newNonce, pageSecurityHeaders, relaySecurityHeaders } from "@/lib/http/security-headers";
import { log } from "@/lib/observability/log";
import { getSecrets } from "@/lib/secrets";
import { closeStore, getStore } from "@/lib/store";
import path from "node:path";
import { CatalogRuntime, seedCatalog, setProcessCatalog } from "@/lib/catalog/runtime";
import { startFakeProviders, type FakeUpstream } from "@/lib/fake-upstream";
import { closeUpstreamAgent } from "@/lib/gateway/dispatch";
import { UsageRecorder } from "@/lib/usage/recorder";
import { CreditBook } from "@/lib/billing/credit-book";
import { RelayBilling } from "@/lib/billing/relay-billing";
import { maybeAutoTopUp } from "@/lib/billing/topups";
import { seedDemoBillingSettings } from "@/lib/billing/settings";
import { purgeExpiredBodies } from "@/lib/reports/bodies";
import { getMetrics, setHealthSource, setStoreStatusSource } from "@/lib/observability/metrics";
import { getHealthTracker } from "@/lib/routing/health";
import { PolicyCache, setProcessPolicyCache } from "@/lib/routing/policies";

const CLIENT_IP_HEADER = "x-switchyard-client-ip";
const SHUTDOWN_GRACE_MS = 10_000;

/** The caller's address for Next (sign-in throttling): the socket's, or the first X-Forwarded-For entry. */
function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = req.headers["x-forwarded-for"];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? "";
}

/** The credit book with the default lease TTL, or a shorter one (renewed four times per TTL) when configured. */
function creditBook(getDb: () => Promise<Db>, leaseTtlMs: number | undefined): CreditBook | undefined {
  if (leaseTtlMs === undefined) return undefined;
  return new CreditBook({ getDb, leaseTtlMs, maintainEveryMs: Math.min(10_000, Math.floor(leaseTtlMs / 4)) });
}

async function main(): Promise<void> {
  const dev = process.argv.includes("--dev");
  // Before Next (and React) load: they pick their builds from NODE_ENV.
  (process.env as Record<string, string | undefined>).NODE_ENV ??= dev ? "development" : "production";
  resetEnvCache();
  const e = env();

  // next-auth inside Next's handler reads these from the environment.
  const secrets = getSecrets();
  process.env.NEXTAUTH_SECRET ??= secrets.authSecret;
  process.env.NEXTAUTH_URL ??= e.appUrl;
  resetEnvCache();

  const target = configuredTarget();
  holdDatabase(target);
  // The embedded database runs on its own thread: the bundled worker next to dist/server.mjs, or under tsx.
  if (e.PGLITE_THREAD) {
    const bundled = import.meta.url.endsWith(".mjs");
    const file = bundled
      ? { url: new URL("./pglite-worker.mjs", import.meta.url) }
      : { url: new URL("./lib/db/pglite-thread-worker.ts", import.meta.url), typescript: true };
    runPgliteOnThread((dir) => PgliteThread.start(dir, file));
  }
  const applied = await applyMigrations((await getDbState()).factory);
  if (applied.length > 0) log.info(`applied ${applied.length} migration(s)`, { migrations: applied });
  else log.info("database schema is up to date");

  // The catalog: the operator's config file, or a clearly labelled demo model on the built-in fake upstream.
  let demo: FakeUpstream | undefined;
  const source = await seedCatalog(await getDb(), secrets.keyring, async () => {
    demo = await startFakeProviders({ port: 0, host: "127.0.0.1" });
    return demo.url;
  });
  log.info(
    source.kind === "file"
      ? `providers and models from ${source.file}`
      : "no providers configured: serving the demo model `switchyard-demo` from the built-in fake upstream",
  );
  if (source.kind !== "file") await seedDemoBillingSettings(await getDb());
  const catalog = new CatalogRuntime(getDb, secrets.keyring);
  await catalog.start();
  setProcessCatalog(catalog);

  const usage = new UsageRecorder({ getDb, spoolPath: path.join(e.dataDir, "usage-spool.jsonl") });
  const recovered = await usage.recoverSpool();
  if (recovered > 0) log.info(`recovered ${recovered} spooled usage record(s)`);

  const store = getStore();
  getMetrics(); // process metrics from the start
  setStoreStatusSource(() => store.status().degraded);
  const health = getHealthTracker(); // started on first use, subscribed to the other instances' events
  setHealthSource(() =>
    health.snapshots().map((h) => ({
      deploymentId: h.deploymentId,
      provider: catalog.providerNameOf(h.deploymentId),
      circuit: h.circuit === "half-open" ? "half_open" : h.circuit,
      score: h.score,
      cooldownUntil: h.cooldownUntil,
    })),
  );
  const policies = new PolicyCache(getDb);
  await policies.start(store);
  setProcessPolicyCache(policies);
  const gateway = await createGateway({
    health,
    policies,
    getDb,
    store,
    keyCache: getProcessKeyCache(),
    catalog: catalog.get,
    usage,
    billing: new RelayBilling({ getDb, book: creditBook(getDb, e.CREDIT_LEASE_TTL_MS) }),
    // Off the request path: a charge left the balance under the workspace's auto top-up threshold.
    onLowBalance: (tenantId) => void getDb().then((db) => maybeAutoTopUp(db, tenantId)),
  });
  // Stored request bodies past their workspace's retention are deleted hourly (any instance may do it).
  const purgeBodies = setInterval(
    () =>
      void getDb()
        .then((db) => purgeExpiredBodies(db))
        .catch((err: unknown) => log.warn("body purge failed", { error: (err as Error).message })),
    60 * 60 * 1000,
  );
  purgeBodies.unref();

  const hostname = e.HOST === "0.0.0.0" || e.HOST === "::" ? "localhost" : e.HOST;
  const { default: next } = await import("next");
  const app = next({ dev, dir: process.cwd(), hostname, port: e.PORT });
  const handleNext = app.getRequestHandler();
  await app.prepare();

  const policy = { https: e.appUrl.startsWith("https://"), dev };
  const relayHeaders = relaySecurityHeaders(policy);
  // Timeouts are checked every second (node's default is 30 s, which would stretch them).
  const server = http.createServer(
    { connectionsCheckingInterval: 1_000 },
    (req: IncomingMessage, res: ServerResponse) => {
      if (isGatewayPath(req.url ?? "/")) {
        for (const name in relayHeaders) res.setHeader(name, relayHeaders[name]!);
        return gateway.handle(req, res);
      }
      const requestId = requestIdFor(req);
      res.setHeader("x-request-id", requestId);
      const headers = pageSecurityHeaders(newNonce(), policy);
      for (const name in headers) res.setHeader(name, headers[name]!);
      // Next takes the nonce for its scripts from the request's CSP header (never the client's own value).
      req.headers["content-security-policy"] = headers["Content-Security-Policy"];
      req.headers["x-request-id"] = requestId;
      req.headers[CLIENT_IP_HEADER] = clientIp(req, e.TRUST_PROXY); // never the client's own value
      handleNext(req, res).catch((err: unknown) => {
        log.error("unhandled error in Next's request handler", { requestId, err });
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end("Internal Server Error");
        } else res.destroy();
      });
    },
  );
  applyServerLimits(server); // slow clients (408), keep-alive

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(e.PORT, e.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : e.PORT;
  const url = `http://${hostname}:${port}`;
  const secretsFrom =
    secrets.source.authSecret === "env" && secrets.source.masterKey === "env" ? "env" : "data dir";
  const state = store.kind === "redis" ? "Redis" : "in-process";
  log.info(
    `Switchyard ${dev ? "(dev) " : ""}ready on ${url}: ${describeTarget(target)}, secrets from ${secretsFrom}, ${state} state`,
    { url, database: describeTarget(target), credentials: secretsFrom, state },
  );

  let stopping = false;
  async function shutdown(signal: NodeJS.Signals): Promise<void> {
    if (stopping) {
      log.warn(`second ${signal}: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: shutting down`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(grace);
    const steps: [string, () => Promise<unknown>][] = [
      ["gateway", () => gateway.close()],
      ["catalog", async () => catalog.stop()],
      ["routing", async () => Promise.all([policies.stop(), health.stop()])],
      ["upstream connections", () => closeUpstreamAgent()],
      ["demo upstream", async () => demo?.close()],
      ["next", () => app.close()],
      ["store", () => closeStore()],
      ["database", () => closeDb()],
    ];
    for (const [name, step] of steps) {
      await step().catch((err: unknown) => log.error(`shutdown: closing ${name} failed`, { err }));
    }
    log.info("stopped");
    process.exit(0);
  }
  process.on("SIGTERM", (s) => void shutdown(s));
  process.on("SIGINT", (s) => void shutdown(s));
}

main().catch((err: unknown) => {
  log.error("Switchyard failed to start", { err });
  process.exit(1);
});
