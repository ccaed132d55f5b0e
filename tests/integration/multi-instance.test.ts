// Two app instances sharing one database and one Redis: rate limits are global (a 60 requests/minute key admits
// 60 in all, not 60 per instance), and a circuit opened by one instance is seen by the other.
import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore, type Store } from "@/lib/store";
import { startRelay, type Relay } from "./helpers/relay";

const REDIS_URL = "redis://127.0.0.1:6379";

let relay: Relay;
let stores: Store[];
let clients: OpenAI[];
let second: Awaited<ReturnType<Relay["addInstance"]>>;

beforeAll(async () => {
  const prefix = `sy-test-${randomBytes(4).toString("hex")}:`;
  stores = [createRedisStore({ url: REDIS_URL, prefix }), createRedisStore({ url: REDIS_URL, prefix })];
  relay = await startRelay({ store: stores[0] });
  second = await relay.addInstance({ store: stores[1]! });
  clients = [relay.baseURL, second.baseURL].map(
    (baseURL) => new OpenAI({ baseURL, apiKey: relay.key, maxRetries: 0 }),
  );
});
afterAll(async () => {
  await relay?.close();
  await Promise.all(stores.map((s) => s.close()));
});

describe("two instances sharing Redis", () => {
  it("enforce a 60 requests/minute key limit globally: 60 admitted in all, not 120", async () => {
    await relay.db.prisma.apiKey.update({ where: { id: relay.keyId }, data: { rpmLimit: 60 } });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        clients[i % 2]!.chat.completions.create({
          model: "gpt-test",
          messages: [{ role: "user", content: "hi" }],
        })
          .withResponse()
          .then(({ response }) => ({
            status: 200,
            remaining: response.headers.get("x-ratelimit-remaining-requests"),
          }))
          .catch((e: { status?: number; headers?: Headers }) => ({
            status: e.status ?? 0,
            retryAfter: e.headers?.get("retry-after"),
            limit: e.headers?.get("x-ratelimit-limit-requests"),
          })),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    // A token bucket of 60 refills one request a second: over the burst's duration a few more may be admitted,
    // never the 120 that two per-instance limits would let through.
    const refilled = Math.ceil((Date.now() - started) / 1000);
    expect(ok.length).toBeGreaterThanOrEqual(60);
    expect(ok.length).toBeLessThanOrEqual(60 + refilled);
    expect(limited.length).toBe(120 - ok.length);
    expect(limited[0]).toMatchObject({ limit: "60", retryAfter: expect.stringMatching(/^\d+$/) });
    expect(ok.every((r) => "remaining" in r && r.remaining !== null)).toBe(true);
    await relay.db.prisma.apiKey.update({ where: { id: relay.keyId }, data: { rpmLimit: null } });
  });

  it("share circuit state: A's circuit opened on one instance is open on the other", async () => {
    // A new key (the limited one above stays cached with its limit on both instances for a while).
    const { generateApiKey, hashApiKey, apiKeyHint } = await import("@/lib/tenancy/key-format");
    const key = generateApiKey();
    await relay.db.prisma.apiKey.create({
      data: {
        id: `key_${randomBytes(8).toString("hex")}`,
        tenantId: relay.tenantId,
        name: "circuit",
        hash: hashApiKey(key),
        hint: apiKeyHint(key),
      },
    });
    const client = new OpenAI({ baseURL: relay.baseURL, apiKey: key, maxRetries: 0 });
    const depA = (await relay.db.prisma.deployment.findFirstOrThrow({ where: { upstreamModel: "a-model" } }))
      .id;
    relay.primary.setBehavior({ reset: true });
    for (let i = 0; i < 6; i++) {
      await client.chat.completions.create({ model: "ha-test", messages: [{ role: "user", content: "hi" }] });
    }
    expect(relay.health.snapshot(depA).circuit).toBe("open");
    await expect.poll(() => second.health.snapshot(depA).circuit, { timeout: 3000 }).toBe("open");
    // The second instance does not send A a single request.
    const before = relay.primary.stats().requests;
    const other = new OpenAI({ baseURL: second.baseURL, apiKey: key, maxRetries: 0 });
    const { response } = await other.chat.completions
      .create({ model: "ha-test", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(response.headers.get("x-switchyard-upstream-model")).toBe("b-model");
    expect(relay.primary.stats().requests).toBe(before);
  });
});
