// The gateway core mounted alone on node:http, against real PGlite and PostgreSQL databases (and Redis for the
// cross-instance revocation test).
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectDatabase, type Db } from "@/lib/db/client";
import { createGateway, type Gateway } from "@/lib/gateway";
import { KeyCache, createDbKeyLoader, invalidateApiKey } from "@/lib/gateway/key-cache";
import { checkHealth } from "@/lib/health";
import { newId } from "@/lib/ids";
import { createMemoryStore, createRedisStore, getStore, type Store } from "@/lib/store";
import { apiKeyHint, generateApiKey, hashApiKey } from "@/lib/tenancy/key-format";
import { describeEachDatabase } from "./helpers/db";

const REDIS_URL = "redis://127.0.0.1:6379";

interface Seeded {
  key: string;
  hash: string;
  id: string;
  tenantId: string;
}

async function seedKey(prisma: Db, opts: { revokedAt?: Date; expiresAt?: Date } = {}): Promise<Seeded> {
  const tenantId = newId("tnt");
  await prisma.tenant.create({ data: { id: tenantId, slug: tenantId.toLowerCase(), name: "Acme" } });
  const key = generateApiKey();
  const id = newId("key");
  await prisma.apiKey.create({
    data: { id, tenantId, name: "test key", hash: hashApiKey(key), hint: apiKeyHint(key), ...opts },
  });
  return { key, hash: hashApiKey(key), id, tenantId };
}

/** A database client that counts every operation it sends. */
function countingClient(prisma: Db): { db: Db; count: () => number; reset: () => void } {
  let n = 0;
  const db = prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        n++;
        return query(args);
      },
    },
  }) as unknown as Db;
  return { db, count: () => n, reset: () => (n = 0) };
}

async function listen(gw: Gateway): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer(gw.handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function newCache(db: Db, ttlMs = 60_000): KeyCache {
  return new KeyCache(
    createDbKeyLoader(() => db),
    { max: 1_000, ttlMs, negativeTtlMs: 2_000 },
  );
}

async function getModels(base: string, key?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/v1/models`, {
    headers: key === undefined ? headers : { authorization: `Bearer ${key}`, ...headers },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

function expectOpenAiError(body: Record<string, unknown>, code: string, message: RegExp | string) {
  expect(Object.keys(body)).toEqual(["error"]);
  const error = body.error as Record<string, unknown>;
  expect(Object.keys(error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(error.code).toBe(code);
  expect(error.param).toBeNull();
  expect(error.message).toMatch(message);
}

describeEachDatabase("gateway", (getTestDb) => {
  let gw: Gateway;
  let server: { base: string; close: () => Promise<void> };
  let store: Store;
  let counter: ReturnType<typeof countingClient>;

  beforeAll(async () => {
    counter = countingClient(getTestDb().prisma);
    store = createMemoryStore();
    gw = await createGateway({ getDb: () => counter.db, store, keyCache: newCache(counter.db) });
    server = await listen(gw);
  });

  afterAll(async () => {
    await server?.close();
    await gw?.close();
    await store?.close();
  });

  beforeEach(() => counter.reset());

  it("lists models for a valid key, with a request id", async () => {
    const { key } = await seedKey(getTestDb().prisma);
    const res = await getModels(server.base, key);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ object: "list", data: [] });
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9A-Za-z]{20}$/);
  });

  it("always answers with its own request id and echoes a sane incoming one separately", async () => {
    const { key } = await seedKey(getTestDb().prisma);
    const kept = await getModels(server.base, key, { "x-request-id": "client-trace-12345" });
    expect(kept.headers.get("x-request-id")).toMatch(/^req_[0-9A-Za-z]{20}$/);
    expect(kept.headers.get("x-client-request-id")).toBe("client-trace-12345");
    const replaced = await getModels(server.base, key, { "x-request-id": "<script>" });
    expect(replaced.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("refuses missing, malformed, unknown, revoked and expired keys with 401 in OpenAI's shape", async () => {
    const prisma = getTestDb().prisma;
    const missing = await getModels(server.base);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("x-request-id")).toMatch(/^req_/);
    expectOpenAiError(missing.body, "invalid_api_key", /^Missing API key/);

    const malformed = await getModels(server.base, "sk-not-ours");
    expect(malformed.status).toBe(401);
    expectOpenAiError(malformed.body, "invalid_api_key", /Invalid API key format/);

    const unknown = await getModels(server.base, generateApiKey());
    expect(unknown.status).toBe(401);
    expectOpenAiError(unknown.body, "invalid_api_key", "Incorrect API key provided.");

    const revoked = await seedKey(prisma, { revokedAt: new Date(Date.now() - 1_000) });
    const r = await getModels(server.base, revoked.key);
    expect(r.status).toBe(401);
    expectOpenAiError(r.body, "invalid_api_key", "This API key has been revoked.");

    const expired = await seedKey(prisma, { expiresAt: new Date(Date.now() - 1_000) });
    const x = await getModels(server.base, expired.key);
    expect(x.status).toBe(401);
    expectOpenAiError(x.body, "invalid_api_key", "This API key has expired.");
  });

  it("answers 404 for an unknown endpoint and 405 for a wrong method", async () => {
    const notFound = await fetch(`${server.base}/api/v1/nope`);
    expect(notFound.status).toBe(404);
    expectOpenAiError(
      (await notFound.json()) as Record<string, unknown>,
      "not_found",
      /Unknown API endpoint/,
    );
    const wrong = await fetch(`${server.base}/api/v1/models`, { method: "POST" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
    expect(wrong.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("verifies a warm key with zero database queries", async () => {
    const { key } = await seedKey(getTestDb().prisma);
    expect((await getModels(server.base, key)).status).toBe(200); // cold: one lookup
    counter.reset();
    for (let i = 0; i < 25; i++) expect((await getModels(server.base, key)).status).toBe(200);
    expect(counter.count()).toBe(0);
  });

  it("shares one database lookup between concurrent requests for a cold key", async () => {
    const { key } = await seedKey(getTestDb().prisma);
    counter.reset();
    const statuses = await Promise.all(Array.from({ length: 10 }, () => getModels(server.base, key)));
    expect(statuses.map((s) => s.status)).toEqual(Array(10).fill(200));
    expect(counter.count()).toBe(1);
  });

  it("caches unknown keys, so repeated bad keys do not reach the database", async () => {
    const bad = generateApiKey();
    await getModels(server.base, bad);
    counter.reset();
    for (let i = 0; i < 10; i++) expect((await getModels(server.base, bad)).status).toBe(401);
    expect(counter.count()).toBe(0);
  });

  it("refuses a key at once after it is revoked in this process", async () => {
    const prisma = getTestDb().prisma;
    const { key, hash, id } = await seedKey(prisma);
    expect((await getModels(server.base, key)).status).toBe(200);
    await prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    expect((await getModels(server.base, key)).status).toBe(200); // still cached: nobody said anything
    await gw.invalidateApiKey(hash);
    const after = await getModels(server.base, key);
    expect(after.status).toBe(401);
    expectOpenAiError(after.body, "invalid_api_key", "This API key has been revoked.");
  });

  it("hears invalidateApiKey() from anywhere in the process (the dashboard's path)", async () => {
    const prisma = getTestDb().prisma;
    const local = await createGateway({ getDb: () => prisma, store: getStore(), keyCache: newCache(prisma) });
    const s = await listen(local);
    try {
      const { key, hash, id } = await seedKey(prisma);
      expect((await getModels(s.base, key)).status).toBe(200);
      await prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
      await invalidateApiKey(hash);
      expect((await getModels(s.base, key)).status).toBe(401);
    } finally {
      await s.close();
      await local.close();
    }
  });

  it("records last-used times in memory and writes them in one batch", async () => {
    const prisma = getTestDb().prisma;
    const a = await seedKey(prisma);
    const b = await seedKey(prisma);
    const before = Date.now();
    await getModels(server.base, a.key);
    await getModels(server.base, b.key);
    await getModels(server.base, a.key);
    expect((await prisma.apiKey.findUnique({ where: { id: a.id } }))?.lastUsedAt).toBeNull();
    counter.reset();
    expect(await gw.lastUsed.flush()).toBeGreaterThanOrEqual(2);
    expect(counter.count()).toBe(1);
    for (const id of [a.id, b.id]) {
      const used = (await prisma.apiKey.findUnique({ where: { id } }))!.lastUsedAt!.getTime();
      expect(used).toBeGreaterThanOrEqual(before - 5);
      expect(used).toBeLessThanOrEqual(Date.now() + 5);
    }
    expect(await gw.lastUsed.flush()).toBe(0); // nothing new
  });

  it("reports the database as up", async () => {
    const health = await checkHealth({ db: getTestDb().prisma, kind: getTestDb().kind });
    expect(health.httpStatus).toBe(200);
    expect(health.body).toMatchObject({ status: "ok", database: { status: "up", kind: getTestDb().kind } });
  });
});

describe("health", () => {
  it("reports 503 when the database does not answer", async () => {
    const state = await connectDatabase({ kind: "postgres", url: "postgresql://postgres@127.0.0.1:1/x" });
    try {
      const health = await checkHealth({ db: state.prisma, kind: "postgres" });
      expect(health.httpStatus).toBe(503);
      expect(health.body.status).toBe("error");
      expect(health.body.database.status).toBe("down");
      expect((health.body.database as { error: string }).error).toBeTruthy();
    } finally {
      await state.prisma.$disconnect();
    }
  });
});

describe("with Redis", () => {
  const prefix = `sytest:${randomBytes(4).toString("hex")}:`;

  it("counts with a TTL shared between store instances", async () => {
    const a = createRedisStore({ url: REDIS_URL, prefix });
    const b = createRedisStore({ url: REDIS_URL, prefix });
    try {
      expect(await a.incr("c", 10_000)).toMatchObject({ value: 1 });
      const second = await b.incr("c", 10_000, 2);
      expect(second.value).toBe(3);
      expect(second.resetInMs).toBeGreaterThan(9_000);
      expect(second.resetInMs).toBeLessThanOrEqual(10_000);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  describeEachDatabase("revocation across instances", (getTestDb) => {
    it("a key revoked through instance A is refused by instance B within a second", async () => {
      const prisma = getTestDb().prisma;
      const storeA = createRedisStore({ url: REDIS_URL, prefix });
      const storeB = createRedisStore({ url: REDIS_URL, prefix });
      const gwA = await createGateway({ getDb: () => prisma, store: storeA, keyCache: newCache(prisma) });
      const gwB = await createGateway({ getDb: () => prisma, store: storeB, keyCache: newCache(prisma) });
      const a = await listen(gwA);
      const b = await listen(gwB);
      try {
        const { key, hash, id } = await seedKey(prisma);
        expect((await getModels(a.base, key)).status).toBe(200);
        expect((await getModels(b.base, key)).status).toBe(200); // B's cache now holds it for 60 s
        await prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
        await gwA.invalidateApiKey(hash);
        const deadline = Date.now() + 1_000;
        let status = 200;
        while (Date.now() < deadline && status === 200) {
          status = (await getModels(b.base, key)).status;
          if (status === 200) await new Promise((r) => setTimeout(r, 10));
        }
        expect(status).toBe(401);
        expect((await getModels(a.base, key)).status).toBe(401);
      } finally {
        await Promise.all([a.close(), b.close()]);
        await Promise.all([gwA.close(), gwB.close()]);
        await Promise.all([storeA.close(), storeB.close()]);
      }
    });
  });
});
