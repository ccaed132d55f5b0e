// Billing through the relay, end to end on real databases: holds before any provider call, exact charges in the
// ledger, usage.cost in answers, 402 without credit, concurrency that cannot overdraw, cut and aborted streams
// billed for what was delivered, several instances sharing one balance, spend limits and budget alerts.
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { checkLedger, postEntry } from "@/lib/billing/ledger";
import { computeCost } from "@/lib/billing/cost";
import { createMemoryStore } from "@/lib/store";
import { startRelay, type Relay } from "./helpers/relay";
import type { TestDatabaseKind } from "./helpers/db";

const KINDS: TestDatabaseKind[] = ["pglite", "postgres"];
// gpt-test: $0.15 / $0.60 per million; claude-test: $3 / $15 (cache read and write default to input).
const GPT = { input: 150_000n, cachedInput: 150_000n, cacheWrite: 150_000n, output: 600_000n };
const CLAUDE = { input: 3_000_000n, cachedInput: 3_000_000n, cacheWrite: 3_000_000n, output: 15_000_000n };

let relay: Relay | null = null;
afterEach(async () => {
  await relay?.close();
  relay = null;
});

async function credit(r: Relay, usd: number) {
  await postEntry(r.db.prisma, {
    tenantId: r.tenantId,
    kind: "adjustment",
    amountMicros: BigInt(Math.round(usd * 1e6)),
    description: "test credit",
  });
}

async function balance(r: Relay) {
  const t = await r.db.prisma.tenant.findUniqueOrThrow({ where: { id: r.tenantId } });
  return { balance: t.balanceMicros, reserved: t.reservedMicros };
}

/** Writes pending usage and returns every lease (what a graceful shutdown does), then checks the books. */
async function settleAndCheck(r: Relay) {
  await r.usage.flush();
  await r.billing!.book.close();
  expect(await checkLedger(r.db.prisma)).toEqual([]);
  const records = await r.db.prisma.usageRecord.findMany({ where: { tenantId: r.tenantId } });
  const charged = records.reduce((sum, x) => sum + x.costMicros, 0n);
  const { balance: b, reserved } = await balance(r);
  expect(reserved).toBe(0n);
  return { records, charged, balance: b };
}

const client = (r: Relay) => new OpenAI({ baseURL: r.baseURL, apiKey: r.key, maxRetries: 0 });

describe.each(KINDS)("billing through the relay (%s)", (kind) => {
  it("charges provider cost plus markup exactly, says so in usage.cost, and the ledger matches", async () => {
    relay = await startRelay({ kind, billing: true });
    await credit(relay, 5);
    const c = client(relay);
    const res = await c.chat.completions
      .create({ model: "gpt-test", messages: [{ role: "user", content: "Hello there" }], max_tokens: 50 })
      .withResponse();
    const usage = res.data.usage as OpenAI.CompletionUsage & { cost: number };
    const expected = computeCost(
      {
        inputTokens: usage.prompt_tokens,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: usage.completion_tokens,
      },
      GPT,
      1000,
    );
    expect(usage.cost).toBe(Number(expected.chargeMicros) / 1e6);
    expect(expected.chargeMicros).toBeGreaterThan(0n);

    // The per-request cost lookup answers before and after the record is written.
    const id = res.response.headers.get("x-request-id")!;
    const lookup = async () =>
      (
        await fetch(`${relay!.baseURL}/generation?id=${id}`, {
          headers: { authorization: `Bearer ${relay!.key}` },
        })
      ).json();
    expect((await lookup()).data.cost_micros).toBe(expected.chargeMicros.toString());

    const { records, charged, balance: b } = await settleAndCheck(relay);
    expect(records).toHaveLength(1);
    expect(records[0]!.costMicros).toBe(expected.chargeMicros);
    expect(records[0]!.providerCostMicros).toBe(expected.providerCostMicros);
    expect(records[0]!.markupBps).toBe(1000);
    expect(b).toBe(5_000_000n - charged);
    const lookedUp = await lookup();
    expect(lookedUp.data).toMatchObject({ cost_micros: expected.chargeMicros.toString(), markup_bps: 1000 });
    const entries = await relay.db.prisma.ledgerEntry.findMany({
      where: { tenantId: relay.tenantId, kind: "usage" },
    });
    expect(entries.map((e) => e.amountMicros)).toEqual([-expected.chargeMicros]);
  });

  it("refuses with 402 insufficient_quota before any provider is called when credit is short", async () => {
    relay = await startRelay({ kind, billing: true });
    const before = relay.primary.stats().requests;
    const err = await client(relay)
      .chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe("insufficient_quota");
    expect(relay.primary.stats().requests).toBe(before);
    const { records } = await settleAndCheck(relay);
    expect(records.map((r) => [r.status, r.errorCode, r.costMicros])).toEqual([
      [402, "insufficient_quota", 0n],
    ]);
  });

  it("admits at most what the balance covers under 200 concurrent requests, and never overdraws", async () => {
    relay = await startRelay({ kind, billing: true });
    relay.primary.setBehavior({ latencyMs: 200 });
    // output-priced charges only output ($2/M) and the fake writes exactly max_tokens for "count to 500", so every
    // request costs exactly its hold (100 × 2 µ$ × 1.1 = 220 µ$) and the balance covers 50 of them, however the
    // requests interleave.
    const body = {
      model: "output-priced",
      messages: [{ role: "user" as const, content: "count to 500" }],
      max_tokens: 100,
    };
    const hold = 220n;
    await postEntry(relay.db.prisma, {
      tenantId: relay.tenantId,
      kind: "topup",
      amountMicros: hold * 50n,
      description: "t",
    });

    const c = client(relay);
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        c.chat.completions.create(body).then(
          () => 200,
          (e: unknown) => (e instanceof OpenAI.APIError ? e.status : 0),
        ),
      ),
    );
    const ok = results.filter((s) => s === 200).length;
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(50);
    expect(results.filter((s) => s !== 200).every((s) => s === 402)).toBe(true);
    expect(relay.primary.stats().requests).toBe(ok);
    const { records, charged, balance: b } = await settleAndCheck(relay);
    expect(records).toHaveLength(200);
    expect(charged).toBe(hold * BigInt(ok));
    expect(b).toBe(hold * 50n - charged);
    expect(b).toBeGreaterThanOrEqual(0n);
  });

  it("bills a stream cut halfway for what was delivered, marked estimated", async () => {
    relay = await startRelay({ kind, billing: true });
    await credit(relay, 1);
    relay.primary.setBehavior({ cutAfterFrames: 6, chunkDelayMs: 5 });
    const stream = await client(relay).chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "count to 40" }],
      stream: true,
    });
    let text = "";
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      })(),
    ).rejects.toThrow();
    expect(text.length).toBeGreaterThan(0);
    const { records, charged, balance: b } = await settleAndCheck(relay);
    expect(records).toHaveLength(1);
    const rec = records[0]!;
    expect(rec.estimated).toBe(true);
    expect(rec.outputTokens).toBeGreaterThan(0);
    expect(rec.costMicros).toBe(
      computeCost({ ...rec, cachedInputTokens: 0, cacheWriteTokens: 0 }, GPT, 1000).chargeMicros,
    );
    expect(rec.costMicros).toBeGreaterThan(0n);
    expect(b).toBe(1_000_000n - charged);
  });

  it("bills a stream the client abandoned for what was delivered", async () => {
    relay = await startRelay({ kind, billing: true });
    await credit(relay, 1);
    relay.primary.setBehavior({ chunkDelayMs: 20 });
    const abort = new AbortController();
    const stream = await client(relay).chat.completions.create(
      { model: "gpt-test", messages: [{ role: "user", content: "count to 200" }], stream: true },
      { signal: abort.signal },
    );
    let pieces = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) pieces += 1;
        if (pieces === 10) abort.abort();
      }
    } catch {
      // the SDK may end the iteration quietly or throw an abort error
    }
    expect(pieces).toBe(10);
    await new Promise((r) => setTimeout(r, 300)); // the relay notices the close and ends the record
    const { records } = await settleAndCheck(relay);
    expect(records).toHaveLength(1);
    expect(records[0]!.status).toBe(499);
    expect(records[0]!.estimated).toBe(true);
    expect(records[0]!.outputTokens).toBeGreaterThanOrEqual(10);
    expect(records[0]!.outputTokens).toBeLessThan(200);
    expect(records[0]!.costMicros).toBeGreaterThan(0n);
  });

  it("prices Anthropic cache reads and writes per the price book, in the final usage chunk too", async () => {
    relay = await startRelay({ kind, billing: true });
    await credit(relay, 1);
    const stream = await client(relay).chat.completions.create({
      model: "claude-test",
      messages: [{ role: "user", content: "[cached] [cache-write] a long shared prefix ".repeat(20) }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: (OpenAI.CompletionUsage & { cost?: number }) | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    const { records } = await settleAndCheck(relay);
    const rec = records[0]!;
    expect(rec.cachedInputTokens).toBeGreaterThan(0);
    expect(rec.cacheWriteTokens).toBeGreaterThan(0);
    const expected = computeCost(rec, CLAUDE, 1000).chargeMicros;
    expect(rec.costMicros).toBe(expected);
    expect(usage?.cost).toBe(Number(expected) / 1e6);
  });

  it("shares one balance between two instances without overdrawing it", async () => {
    relay = await startRelay({ kind, billing: true, store: createMemoryStore() });
    const second = await relay.addInstance({ store: createMemoryStore() });
    relay.primary.setBehavior({ latencyMs: 200 });
    const body = {
      model: "output-priced",
      messages: [{ role: "user" as const, content: "count to 500" }],
      max_tokens: 100,
    };
    const hold = 220n; // see above: each request costs exactly its hold
    await postEntry(relay.db.prisma, {
      tenantId: relay.tenantId,
      kind: "topup",
      amountMicros: hold * 30n,
      description: "t",
    });
    const clients = [
      client(relay),
      new OpenAI({ baseURL: second.baseURL, apiKey: relay.key, maxRetries: 0 }),
    ];
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        clients[i % 2]!.chat.completions.create(body).then(
          () => 200,
          (e: unknown) => (e instanceof OpenAI.APIError ? e.status : 0),
        ),
      ),
    );
    const ok = results.filter((s) => s === 200).length;
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(30);
    await second.gateway.usage.flush();
    await second.billing!.book.close();
    const { balance: b, charged } = await settleAndCheck(relay);
    expect(b).toBe(hold * 30n - charged);
    expect(b).toBeGreaterThanOrEqual(0n);
  });

  it("stops a key at its spend limit and raises budget alerts at 80% and 100%", async () => {
    relay = await startRelay({ kind, billing: true });
    await credit(relay, 10);
    const c = client(relay);
    const one = {
      model: "claude-test",
      messages: [{ role: "user" as const, content: "x".repeat(3000) }],
      max_tokens: 5,
    };
    // Measure one request's charge, then set limits around it.
    const first = await c.chat.completions.create(one);
    const perRequest = BigInt(
      Math.round((first.usage as { cost: number } & OpenAI.CompletionUsage).cost * 1e6),
    );
    await relay.usage.flush();
    await relay.db.prisma.apiKey.update({
      where: { id: relay.keyId },
      data: { spendLimitMicros: perRequest * 3n },
    });
    await relay.db.prisma.tenant.update({
      where: { id: relay.tenantId },
      data: { monthlyBudgetMicros: perRequest * 3n },
    });
    relay.gateway.keyCache.clear();

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        await c.chat.completions.create(one).then(
          () => 200,
          (e: InstanceType<typeof OpenAI.APIError>) => e.status ?? 0,
        ),
      );
    }
    expect(statuses).toEqual([200, 200, 402, 402]);
    await new Promise((r) => setTimeout(r, 200));
    const alerts = await relay.db.prisma.budgetAlert.findMany({ where: { tenantId: relay.tenantId } });
    expect(alerts.map((a) => `${a.scope}:${a.threshold}`).sort()).toEqual([
      "key:100",
      "key:80",
      "workspace:100",
      "workspace:80",
    ]);
    await settleAndCheck(relay);
  });
});

describe.each(KINDS)("credit leases across usage writes (%s)", (kind) => {
  it("keeps the instance's view of its lease equal to the lease row after every written batch", async () => {
    // Found by `npm run soak`: each written batch made the instance forget its lease (the gateway passed the
    // workspaces whose lease was NOT consumed as those whose lease was), so it leased again and again until the
    // whole balance was reserved and a workspace with $50 got 402 insufficient_quota.
    relay = await startRelay({ kind, billing: true });
    await credit(relay, 5);
    const c = client(relay);
    for (let i = 0; i < 4; i++) {
      await c.chat.completions.create({
        model: "gpt-test",
        messages: [{ role: "user", content: `Hello ${i}` }],
        max_tokens: 20,
      });
      await relay.usage.flush();
      const lease = await relay.db.prisma.creditLease.findFirstOrThrow({
        where: { tenantId: relay.tenantId },
      });
      expect(relay.billing!.book.snapshot(relay.tenantId)!.granted).toBe(lease.amountMicros);
      expect((await balance(relay)).reserved).toBe(lease.amountMicros);
    }
    await settleAndCheck(relay);
  });
});
