// Request and response bodies are stored only for workspaces that opted in, never under zero data retention,
// beside the usage record (same write), with their retention date.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelay, type Relay } from "./helpers/relay";

let relay: Relay;
beforeAll(async () => {
  relay = await startRelay({ kind: "postgres" });
});
afterAll(async () => relay?.close());

async function setTenant(data: {
  storeBodies: boolean;
  zeroDataRetention: boolean;
  bodyRetentionDays?: number;
}) {
  await relay.db.prisma.tenant.update({ where: { id: relay.tenantId }, data });
  relay.gateway.keyCache.clear();
}

async function send(stream: boolean) {
  const client = new OpenAI({ baseURL: relay.baseURL, apiKey: relay.key, maxRetries: 0 });
  if (!stream) {
    const res = await client.chat.completions
      .create({ model: "gpt-test", messages: [{ role: "user", content: "remember me" }] })
      .withResponse();
    return res.response.headers.get("x-request-id")!;
  }
  const res = await client.chat.completions
    .create({ model: "gpt-test", messages: [{ role: "user", content: "count to 5" }], stream: true })
    .withResponse();
  for await (const chunk of res.data) void chunk;
  return res.response.headers.get("x-request-id")!;
}

describe("request bodies", () => {
  it("are not stored by default", async () => {
    const id = await send(false);
    await relay.usage.flush();
    expect(await relay.db.prisma.usageRecord.count({ where: { id } })).toBe(1);
    expect(await relay.db.prisma.requestBody.count({ where: { requestId: id } })).toBe(0);
  });

  it("are stored for an opted-in workspace, stream and non-stream, with the retention date", async () => {
    await setTenant({ storeBodies: true, zeroDataRetention: false, bodyRetentionDays: 3 });
    const plain = await send(false);
    const streamed = await send(true);
    await relay.usage.flush();
    const rows = await relay.db.prisma.requestBody.findMany({ where: { tenantId: relay.tenantId } });
    const byId = new Map(rows.map((r) => [r.requestId, r]));
    const a = byId.get(plain)!;
    expect(a.request).toMatchObject({
      model: "gpt-test",
      messages: [{ role: "user", content: "remember me" }],
    });
    expect(JSON.stringify(a.response)).toContain("remember me");
    const days = (a.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.9);
    expect(days).toBeLessThan(3.1);
    const b = byId.get(streamed)!;
    expect(JSON.stringify(b.response)).toContain("1 2 3 4 5");
  });

  it("are never stored under zero data retention, even when opted in", async () => {
    await setTenant({ storeBodies: true, zeroDataRetention: true });
    const id = await send(false).catch(() => null);
    await relay.usage.flush();
    if (id) expect(await relay.db.prisma.requestBody.count({ where: { requestId: id } })).toBe(0);
    const records = await relay.db.prisma.usageRecord.findMany({ orderBy: { createdAt: "desc" }, take: 1 });
    expect(await relay.db.prisma.requestBody.count({ where: { requestId: records[0]!.id } })).toBe(0);
  });
});
