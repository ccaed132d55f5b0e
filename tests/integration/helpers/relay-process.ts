// A relay instance as its own process, for tests that kill it: the gateway with billing on PostgreSQL, shut down
// on SIGTERM the way server.ts does it (stop accepting, let requests in flight finish, then flush usage and
// charges and return credit leases). Prints `{"port": N}` on stdout once listening.
//   env: SY_TEST_DATABASE_URL, SY_TEST_MASTER_KEY (hex), SY_TEST_SPOOL (file)
import http from "node:http";
import type { AddressInfo } from "node:net";
import { RelayBilling } from "@/lib/billing/relay-billing";
import { CatalogRuntime } from "@/lib/catalog/runtime";
import { connectDatabase } from "@/lib/db/client";
import { createGateway } from "@/lib/gateway";
import { createMemoryStore } from "@/lib/store";
import { UsageRecorder } from "@/lib/usage/recorder";

async function main() {
  const { prisma } = await connectDatabase({ kind: "postgres", url: process.env.SY_TEST_DATABASE_URL! });
  const getDb = async () => prisma;
  const catalog = new CatalogRuntime(getDb, Buffer.from(process.env.SY_TEST_MASTER_KEY!, "hex"), 60_000);
  await catalog.start();
  const usage = new UsageRecorder({ getDb, spoolPath: process.env.SY_TEST_SPOOL, intervalMs: 200 });
  await usage.recoverSpool();
  const gateway = await createGateway({
    getDb: () => prisma,
    store: createMemoryStore(),
    catalog: catalog.get,
    usage,
    billing: new RelayBilling({ getDb }),
  });
  const server = http.createServer(gateway.handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);

  process.once("SIGTERM", () => {
    void (async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(grace);
      await gateway.close();
      catalog.stop();
      await prisma.$disconnect();
      process.exit(0);
    })();
  });
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
